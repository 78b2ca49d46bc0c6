package io.github.refreshingdatasource.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs one benchmark in several JMH forks, one fork at a time, and in each fork measures
 * every side in turn, one JMH iteration each, in a palindromic order (A B B A for two
 * sides, A B C C B A for three), repeated. The benchmark holds every side's pool and
 * switches to {@link #sideAt(String[], int) the iteration's side} before the iteration
 * starts, so only one side runs at a time.
 * <p>
 * A fork yields one score per side (the mean of that side's measurement iterations), and a
 * comparison yields one ratio per fork, taken between sides that shared the JVM, its JIT
 * decisions and the minute of the machine's load; the palindrome cancels a linear drift
 * within the fork. The figure is the median of those per-fork ratios with a bootstrap
 * interval over forks ({@link RatioInterval#paired}).
 * <p>
 * This replaces two earlier methods whose intervals were wider than the figures: JMH groups
 * that ran both sides at once on 2 CPUs (the scheduler chose which side ran) and one side
 * per fork (the interval measured how much one JVM differs from the next).
 */
final class InterleavedForks {

	/** How the forks are run. */
	record Plan(int forks, int warmupCycles, int measurementCycles, int iterationSeconds) {

		String describe() {
			return this.forks + " forks, each " + this.warmupCycles + " warm-up and " + this.measurementCycles
					+ " measurement cycles of one " + this.iterationSeconds + " s iteration per side";
		}

	}

	private final Plan plan;

	private final String forkArgument;

	InterleavedForks(Plan plan, String forkArgument) {
		this.plan = plan;
		this.forkArgument = forkArgument;
	}

	/**
	 * The side an iteration measures: iterations (warm-up and measurement alike, counted
	 * from 0 in each fork) walk the sides forward and then backward.
	 * @param sides the sides, in their order
	 * @param iteration the iteration's index within its fork
	 * @return the side to measure
	 */
	static String sideAt(String[] sides, int iteration) {
		int position = iteration % (2 * sides.length);
		return (position < sides.length) ? sides[position] : sides[2 * sides.length - 1 - position];
	}

	/**
	 * Run the benchmark's forks.
	 * @param benchmark {@code Class.method} of the benchmark
	 * @param threads benchmark threads
	 * @param sides the benchmark's sides, in the order {@link #sideAt} walks them
	 * @return per side, the score of each fork, in fork order (index i of every side is fork i)
	 */
	Map<String, List<Double>> run(String benchmark, int threads, String... sides) throws RunnerException {
		Map<String, List<Double>> scores = new LinkedHashMap<>();
		for (String side : sides) {
			scores.put(side, new ArrayList<>());
		}
		int cycle = 2 * sides.length;
		for (int fork = 0; fork < this.plan.forks(); fork++) {
			Options options = new OptionsBuilder().include("^" + benchmark.replace(".", "\\.") + "$")
				.forks(1)
				.threads(threads)
				.warmupIterations(this.plan.warmupCycles() * cycle)
				.warmupTime(TimeValue.seconds(this.plan.iterationSeconds()))
				.measurementIterations(this.plan.measurementCycles() * cycle)
				.measurementTime(TimeValue.seconds(this.plan.iterationSeconds()))
				.jvmArgsAppend(this.forkArgument)
				.shouldFailOnError(true)
				.verbosity(VerboseMode.SILENT)
				.build();
			RunResult result = new Runner(options).runSingle();
			Map<String, double[]> sums = new LinkedHashMap<>();
			int iteration = this.plan.warmupCycles() * cycle;
			for (BenchmarkResult forkResult : result.getBenchmarkResults()) {
				for (IterationResult measured : forkResult.getIterationResults()) {
					double[] sum = sums.computeIfAbsent(sideAt(sides, iteration++), (key) -> new double[2]);
					sum[0] += measured.getPrimaryResult().getScore();
					sum[1]++;
				}
			}
			StringBuilder line = new StringBuilder(benchmark).append(" fork ").append(fork + 1).append(':');
			for (String side : sides) {
				double[] sum = sums.get(side);
				double mean = sum[0] / sum[1];
				scores.get(side).add(mean);
				line.append(String.format(" %s %.4g", side, mean));
			}
			System.out.println(line.append(" ").append(result.getPrimaryResult().getScoreUnit())
				.append(" (").append(threads).append(" thread(s))"));
		}
		return scores;
	}

}
