package io.github.refreshingdatasource.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs one benchmark method for each side in its own JMH fork, the sides alternating
 * (A B A B ...), one fork at a time, so that one side runs alone on the machine while it is
 * measured and a drift in the machine's load falls on both sides alike. Each fork yields
 * one score (the mean of its measurement iterations); the comparison is the ratio of the
 * medians of those scores ({@link RatioInterval}).
 * <p>
 * This replaces JMH groups that ran both sides at once in one JVM: on 2 CPUs with 8 + 8
 * threads the operating system's scheduler decided each iteration which side ran, and the
 * per-iteration ratios spread wider than the figure itself.
 */
final class AlternatingForks {

	/** How one fork is run. */
	record Plan(int forksPerSide, int warmupIterations, int warmupSeconds, int measurementIterations,
			int measurementSeconds) {

		String describe() {
			return this.forksPerSide + " alternating forks per side × (" + this.warmupIterations + " warm-up × "
					+ this.warmupSeconds + " s + " + this.measurementIterations + " measurement × "
					+ this.measurementSeconds + " s)";
		}

	}

	private final Plan plan;

	private final String forkArgument;

	AlternatingForks(Plan plan, String forkArgument) {
		this.plan = plan;
		this.forkArgument = forkArgument;
	}

	/**
	 * Run the benchmark for every side, alternating.
	 * @param benchmark {@code Class.method} of the benchmark
	 * @param threads benchmark threads
	 * @param sides the values of the benchmark's {@code side} parameter
	 * @return the score of each fork, per side, in run order
	 */
	Map<String, List<Double>> run(String benchmark, int threads, String... sides) throws RunnerException {
		Map<String, List<Double>> scores = new LinkedHashMap<>();
		for (String side : sides) {
			scores.put(side, new ArrayList<>());
		}
		for (int fork = 0; fork < this.plan.forksPerSide(); fork++) {
			// Alternate which side goes first, so neither always follows the other.
			for (int i = 0; i < sides.length; i++) {
				String side = sides[(fork % 2 == 0) ? i : sides.length - 1 - i];
				scores.get(side).add(runOneFork(benchmark, threads, side));
			}
		}
		return scores;
	}

	private double runOneFork(String benchmark, int threads, String side) throws RunnerException {
		Options options = new OptionsBuilder().include("^" + benchmark.replace(".", "\\.") + "$")
			.param("side", side)
			.forks(1)
			.threads(threads)
			.warmupIterations(this.plan.warmupIterations())
			.warmupTime(TimeValue.seconds(this.plan.warmupSeconds()))
			.measurementIterations(this.plan.measurementIterations())
			.measurementTime(TimeValue.seconds(this.plan.measurementSeconds()))
			.jvmArgsAppend(this.forkArgument)
			.shouldFailOnError(true)
			.verbosity(org.openjdk.jmh.runner.options.VerboseMode.SILENT)
			.build();
		RunResult result = new Runner(options).runSingle();
		double score = result.getPrimaryResult().getScore();
		System.out.printf("%s [%s, %d thread(s)]: %.4g %s%n", benchmark, side, threads, score,
				result.getPrimaryResult().getScoreUnit());
		return score;
	}

}
