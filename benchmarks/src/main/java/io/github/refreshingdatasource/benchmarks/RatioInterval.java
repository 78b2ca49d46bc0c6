package io.github.refreshingdatasource.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The ratio of the medians of two samples, with a percentile bootstrap interval: each
 * sample is resampled with replacement, independently, and the ratio of the resampled
 * medians taken, {@link #RESAMPLES} times. A sample element is one JMH fork's score, so the
 * interval covers what differs from one JVM to the next (JIT decisions, placement, the
 * machine's load at the time), which is what a reader deciding on the figure needs.
 * @param ratio median of the numerator sample over median of the denominator sample
 * @param low lower bound of the 95 % interval
 * @param high upper bound of the 95 % interval
 * @param samples forks per side
 */
record RatioInterval(double ratio, double low, double high, int samples) {

	static final int RESAMPLES = 10_000;

	static RatioInterval of(List<Double> numerator, List<Double> denominator) {
		double[] a = numerator.stream().mapToDouble(Double::doubleValue).toArray();
		double[] b = denominator.stream().mapToDouble(Double::doubleValue).toArray();
		// Fixed seed: the same scores always print the same interval.
		SplittableRandom random = new SplittableRandom(19);
		double[] ratios = new double[RESAMPLES];
		for (int i = 0; i < RESAMPLES; i++) {
			ratios[i] = median(resample(a, random)) / median(resample(b, random));
		}
		Arrays.sort(ratios);
		return new RatioInterval(median(a) / median(b), ratios[(int) (RESAMPLES * 0.025)],
				ratios[(int) (RESAMPLES * 0.975) - 1], Math.min(a.length, b.length));
	}

	/** Fewer samples per side than this give no verdict, however narrow their interval looks. */
	static final int MIN_SAMPLES = 5;

	/**
	 * Whether the interval is tight enough to judge a goal with the given margin.
	 * @param margin the goal's margin, relative (0.03 for ±3 %)
	 * @return whether there are enough samples and the interval is within the margin
	 */
	boolean judgeable(double margin) {
		return this.samples >= MIN_SAMPLES && halfWidth() <= margin;
	}

	/** The larger distance from the ratio to either bound, relative to the ratio. */
	double halfWidth() {
		return Math.max(this.high - this.ratio, this.ratio - this.low) / this.ratio;
	}

	String describe() {
		return String.format("%.3f [%.3f, %.3f] (±%.1f %%, n = %d each)", this.ratio, this.low, this.high,
				halfWidth() * 100, this.samples);
	}

	static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

	private static double[] resample(double[] values, SplittableRandom random) {
		double[] drawn = new double[values.length];
		for (int i = 0; i < drawn.length; i++) {
			drawn[i] = values[random.nextInt(values.length)];
		}
		return drawn;
	}

}
