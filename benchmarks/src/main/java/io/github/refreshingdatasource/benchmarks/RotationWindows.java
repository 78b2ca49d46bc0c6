package io.github.refreshingdatasource.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Query and {@code getConnection()} times of a soak run, split by when each query started:
 * within a fixed window after a rotation's credential write ("around") or outside every
 * such window ("between"). Percentiles are read from the sorted samples.
 */
final class RotationWindows {

	private final long[] rotations;

	private final long window;

	private final Samples aroundConnect = new Samples();

	private final Samples aroundQuery = new Samples();

	private final Samples betweenConnect = new Samples();

	private final Samples betweenQuery = new Samples();

	/** Bootstrap resamples of the rotation cycles. */
	static final int RESAMPLES = 2_000;

	/** Per rotation cycle: histograms of around-connect, around-query, between-connect, between-query. */
	private final int[][][] cycles;

	RotationWindows(List<Long> rotations, java.time.Duration window) {
		this.rotations = rotations.stream().mapToLong(Long::longValue).sorted().toArray();
		this.window = window.toNanos();
		this.cycles = new int[Math.max(1, this.rotations.length)][4][LogHistogram.BUCKETS];
	}

	void add(long startedAt, long connectNanos, long queryNanos) {
		int index = Arrays.binarySearch(this.rotations, startedAt);
		int cycle = (index >= 0) ? index : -index - 2;
		int[][] histograms = this.cycles[Math.max(0, cycle)];
		if (cycle >= 0 && startedAt - this.rotations[cycle] < this.window) {
			this.aroundConnect.add(connectNanos);
			this.aroundQuery.add(queryNanos);
			histograms[0][LogHistogram.bucket(connectNanos)]++;
			histograms[1][LogHistogram.bucket(queryNanos)]++;
		}
		else {
			this.betweenConnect.add(connectNanos);
			this.betweenQuery.add(queryNanos);
			histograms[2][LogHistogram.bucket(connectNanos)]++;
			histograms[3][LogHistogram.bucket(queryNanos)]++;
		}
	}

	/**
	 * p99 around over p99 between, from every sample; the 95 % interval is a bootstrap over
	 * rotation cycles: the cycles (each its window after the rotation and the time up to the
	 * next) are resampled with replacement and the ratio taken again from their pooled
	 * samples, so a stall of the machine falls on whole cycles, as it happened.
	 */
	RatioInterval p99Ratio(boolean query) {
		Samples around = query ? aroundQuery() : aroundConnect();
		Samples between = query ? betweenQuery() : betweenConnect();
		if (around.size() == 0 || between.size() == 0) {
			return new RatioInterval(Double.NaN, Double.NaN, Double.NaN, 0);
		}
		int aroundIndex = query ? 1 : 0;
		int betweenIndex = query ? 3 : 2;
		SplittableRandom random = new SplittableRandom(19);
		double[] ratios = new double[RESAMPLES];
		int[] aroundSum = new int[LogHistogram.BUCKETS];
		int[] betweenSum = new int[LogHistogram.BUCKETS];
		for (int i = 0; i < RESAMPLES; i++) {
			Arrays.fill(aroundSum, 0);
			Arrays.fill(betweenSum, 0);
			for (int drawn = 0; drawn < this.cycles.length; drawn++) {
				int[][] cycle = this.cycles[random.nextInt(this.cycles.length)];
				LogHistogram.addTo(aroundSum, cycle[aroundIndex]);
				LogHistogram.addTo(betweenSum, cycle[betweenIndex]);
			}
			ratios[i] = LogHistogram.percentile(aroundSum, 99) / LogHistogram.percentile(betweenSum, 99);
		}
		Arrays.sort(ratios);
		return new RatioInterval(around.percentileMillis(99) / between.percentileMillis(99),
				ratios[(int) (RESAMPLES * 0.025)], ratios[(int) (RESAMPLES * 0.975) - 1], this.cycles.length);
	}

	Samples aroundConnect() {
		return this.aroundConnect.sorted();
	}

	Samples aroundQuery() {
		return this.aroundQuery.sorted();
	}

	Samples betweenConnect() {
		return this.betweenConnect.sorted();
	}

	Samples betweenQuery() {
		return this.betweenQuery.sorted();
	}

	String describe() {
		return String.format("getConnection()     around %s | between %s | p99 ratio %s%n"
				+ "query               around %s | between %s | p99 ratio %s",
				aroundConnect().describe(), betweenConnect().describe(), p99Ratio(false).describe("rotation cycles"),
				aroundQuery().describe(), betweenQuery().describe(), p99Ratio(true).describe("rotation cycles"));
	}

	/**
	 * Counts of nanosecond values in logarithmic buckets 1 % wide (1 µs to about 100 s), so
	 * that a bootstrap can add up cycles without sorting millions of samples per resample.
	 */
	static final class LogHistogram {

		static final int BUCKETS = 1_900;

		private static final double LOG_STEP = Math.log(1.01);

		private static final double FLOOR_NANOS = 1_000;

		private LogHistogram() {
		}

		static int bucket(long nanos) {
			if (nanos <= FLOOR_NANOS) {
				return 0;
			}
			return (int) Math.min(BUCKETS - 1, 1 + Math.log(nanos / FLOOR_NANOS) / LOG_STEP);
		}

		static void addTo(int[] sum, int[] counts) {
			for (int i = 0; i < counts.length; i++) {
				sum[i] += counts[i];
			}
		}

		/** Nearest-rank percentile, as the upper bound of its bucket, in nanoseconds. */
		static double percentile(int[] counts, double percentile) {
			long total = 0;
			for (int count : counts) {
				total += count;
			}
			long rank = Math.max(1, (long) Math.ceil(percentile / 100 * total));
			long seen = 0;
			for (int i = 0; i < counts.length; i++) {
				seen += counts[i];
				if (seen >= rank) {
					return FLOOR_NANOS * Math.pow(1.01, i);
				}
			}
			return Double.NaN;
		}

	}

	/** A growable array of nanoseconds. */
	static final class Samples {

		private long[] values = new long[1 << 12];

		private int size;

		private boolean sorted;

		void add(long value) {
			if (this.size == this.values.length) {
				this.values = Arrays.copyOf(this.values, this.size * 2);
			}
			this.values[this.size++] = value;
			this.sorted = false;
		}

		Samples sorted() {
			if (!this.sorted) {
				Arrays.sort(this.values, 0, this.size);
				this.sorted = true;
			}
			return this;
		}

		int size() {
			return this.size;
		}

		/** Nearest-rank percentile in milliseconds. */
		double percentileMillis(double percentile) {
			sorted();
			if (this.size == 0) {
				return Double.NaN;
			}
			int index = (int) Math.ceil(percentile / 100 * this.size) - 1;
			return this.values[Math.max(0, Math.min(this.size - 1, index))] / 1e6;
		}

		String describe() {
			return String.format("n %,d p50 %.2f ms p99 %.2f ms p99.9 %.2f ms", this.size, percentileMillis(50),
					percentileMillis(99), percentileMillis(99.9));
		}

	}

}
