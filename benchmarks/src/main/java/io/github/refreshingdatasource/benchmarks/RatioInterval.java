package io.github.refreshingdatasource.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A ratio with a 95 % percentile bootstrap interval ({@link #RESAMPLES} resamples with
 * replacement). {@link #paired} is the median of per-pair ratios, each pair measured in the
 * same JVM (or the same block of time), resampled by pair: the interval then covers how the
 * comparison varies from one pair to the next, not how one JVM differs from another.
 * @param ratio the figure
 * @param low lower bound of the 95 % interval
 * @param high upper bound of the 95 % interval
 * @param samples pairs
 */
record RatioInterval(double ratio, double low, double high, int samples) {

	static final int RESAMPLES = 10_000;

	/**
	 * The median of the ratios of paired measurements.
	 * @param numerator one side's measurements
	 * @param denominator the other side's, index i paired with the numerator's index i
	 * @return the median per-pair ratio and its interval over pairs
	 */
	static RatioInterval paired(List<Double> numerator, List<Double> denominator) {
		if (numerator.size() != denominator.size()) {
			throw new IllegalArgumentException("paired samples differ in size");
		}
		List<Double> ratios = new java.util.ArrayList<>();
		for (int i = 0; i < numerator.size(); i++) {
			ratios.add(numerator.get(i) / denominator.get(i));
		}
		return of(ratios);
	}

	/**
	 * The median of ratios measured independently of each other (one per fork, say).
	 * @param ratioSamples the ratios
	 * @return their median and its interval
	 */
	static RatioInterval of(List<Double> ratioSamples) {
		double[] ratios = ratioSamples.stream().mapToDouble(Double::doubleValue).toArray();
		SplittableRandom random = new SplittableRandom(19);
		double[] medians = new double[RESAMPLES];
		for (int i = 0; i < RESAMPLES; i++) {
			medians[i] = median(resample(ratios, random));
		}
		Arrays.sort(medians);
		return new RatioInterval(median(ratios), medians[(int) (RESAMPLES * 0.025)],
				medians[(int) (RESAMPLES * 0.975) - 1], ratios.length);
	}

	/** Fewer pairs than this give no verdict, however narrow their interval looks. */
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
		return describe("pairs");
	}

	/**
	 * The ratio, its interval, the interval's half-width and the number of samples.
	 * @param unit what a sample is, plural
	 */
	String describe(String unit) {
		return String.format("%.3f [%.3f, %.3f] (±%.1f %%, n = %d %s)", this.ratio, this.low, this.high,
				halfWidth() * 100, this.samples, unit);
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
