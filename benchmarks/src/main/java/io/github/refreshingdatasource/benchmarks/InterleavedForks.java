package io.github.refreshingdatasource.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
 * Every cycle (the sides forward and back) gives one ratio per pair of sides, from
 * iterations a fraction of a second apart, so a change in the machine's load falls on both
 * sides alike (the palindrome cancels a linear drift within the cycle); a fork's ratio is
 * the median of its cycles' ratios, so an iteration hit by a stall moves it little. The
 * figure is the median of the forks' ratios with a bootstrap interval over forks
 * ({@link RatioInterval#paired}). A fork's score per side, shown beside the ratio, is the
 * mean of that side's measurement iterations.
 * <p>
 * This replaces two earlier methods whose intervals were wider than the figures: JMH groups
 * that ran both sides at once on 2 CPUs (the scheduler chose which side ran) and one side
 * per fork (the interval measured how much one JVM differs from the next).
 */
final class InterleavedForks {

	/** How the forks are run. */
	record Plan(int forks, int warmupCycles, int measurementCycles, Duration iteration) {

		String describe() {
			return this.forks + " forks, each " + this.warmupCycles + " warm-up and " + this.measurementCycles
					+ " measurement cycles of one " + this.iteration.toMillis() + " ms iteration per side and way";
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
	 * @return each fork's scores and per-cycle ratios
	 */
	Forks run(String benchmark, int threads, String... sides) throws RunnerException {
		Forks forks = new Forks(sides);
		int cycle = 2 * sides.length;
		for (int fork = 0; fork < this.plan.forks(); fork++) {
			Options options = new OptionsBuilder().include("^" + benchmark.replace(".", "\\.") + "$")
				.forks(1)
				.threads(threads)
				.warmupIterations(this.plan.warmupCycles() * cycle)
				.warmupTime(TimeValue.milliseconds(this.plan.iteration().toMillis()))
				.measurementIterations(this.plan.measurementCycles() * cycle)
				.measurementTime(TimeValue.milliseconds(this.plan.iteration().toMillis()))
				.jvmArgsAppend(this.forkArgument)
				.shouldFailOnError(true)
				.verbosity(VerboseMode.SILENT)
				.build();
			RunResult result = new Runner(options).runSingle();
			List<Double> measured = new ArrayList<>();
			for (BenchmarkResult forkResult : result.getBenchmarkResults()) {
				for (IterationResult iteration : forkResult.getIterationResults()) {
					measured.add(iteration.getPrimaryResult().getScore());
				}
			}
			forks.add(measured);
			System.out.println(benchmark + " fork " + (fork + 1) + ": " + forks.describeLast() + " "
					+ result.getPrimaryResult().getScoreUnit() + " (" + threads + " thread(s))");
		}
		return forks;
	}

	/** The measurement iterations of every fork of one benchmark, each fork in the order {@link #sideAt} walks. */
	static final class Forks {

		private final String[] sides;

		private final List<List<Double>> iterations = new ArrayList<>();

		Forks(String[] sides) {
			this.sides = sides.clone();
		}

		void add(List<Double> measured) {
			if (measured.size() % (2 * this.sides.length) != 0) {
				throw new IllegalStateException("a fork must measure whole cycles, got " + measured.size());
			}
			this.iterations.add(List.copyOf(measured));
		}

		/** Per fork, the mean of the side's measurement iterations. */
		List<Double> scores(String side) {
			return this.iterations.stream().map((fork) -> mean(fork, side)).toList();
		}

		private double mean(List<Double> fork, String side) {
			double sum = 0;
			int count = 0;
			for (int i = 0; i < fork.size(); i++) {
				if (sideAt(this.sides, i).equals(side)) {
					sum += fork.get(i);
					count++;
				}
			}
			return sum / count;
		}

		/** Per fork, the median over its cycles of the cycle's numerator-over-denominator ratio. */
		List<Double> ratios(String numerator, String denominator) {
			List<Double> ratios = new ArrayList<>();
			for (List<Double> fork : this.iterations) {
				int cycle = 2 * this.sides.length;
				double[] perCycle = new double[fork.size() / cycle];
				for (int c = 0; c < perCycle.length; c++) {
					double top = 0;
					double bottom = 0;
					for (int i = c * cycle; i < (c + 1) * cycle; i++) {
						String side = sideAt(this.sides, i);
						top += side.equals(numerator) ? fork.get(i) : 0;
						bottom += side.equals(denominator) ? fork.get(i) : 0;
					}
					perCycle[c] = top / bottom;
				}
				ratios.add(RatioInterval.median(perCycle));
			}
			return ratios;
		}

		/** The median-of-forks ratio with its bootstrap interval over forks. */
		RatioInterval ratio(String numerator, String denominator) {
			return RatioInterval.of(ratios(numerator, denominator));
		}

		private String describeLast() {
			List<Double> fork = this.iterations.get(this.iterations.size() - 1);
			StringBuilder line = new StringBuilder();
			for (String side : this.sides) {
				line.append(String.format("%s %.4g ", side, mean(fork, side)));
			}
			return line.toString().strip();
		}

	}

}
