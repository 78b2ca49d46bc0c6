package io.github.refreshingdatasource.benchmarks;

import java.util.Arrays;
import java.util.List;

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

	/** Consecutive runs of rotation cycles, each giving one p99 per side for the interval. */
	static final int BLOCKS = 10;

	private final Samples[][] blocks = new Samples[BLOCKS][4];

	private final int cyclesPerBlock;

	RotationWindows(List<Long> rotations, java.time.Duration window) {
		this.rotations = rotations.stream().mapToLong(Long::longValue).sorted().toArray();
		this.window = window.toNanos();
		this.cyclesPerBlock = Math.max(1, (this.rotations.length + BLOCKS - 1) / BLOCKS);
		for (Samples[] block : this.blocks) {
			for (int i = 0; i < block.length; i++) {
				block[i] = new Samples();
			}
		}
	}

	void add(long startedAt, long connectNanos, long queryNanos) {
		int index = Arrays.binarySearch(this.rotations, startedAt);
		int cycle = (index >= 0) ? index : -index - 2;
		Samples[] block = this.blocks[Math.min(BLOCKS - 1, Math.max(0, cycle) / this.cyclesPerBlock)];
		if (cycle >= 0 && startedAt - this.rotations[cycle] < this.window) {
			this.aroundConnect.add(connectNanos);
			this.aroundQuery.add(queryNanos);
			block[0].add(connectNanos);
			block[1].add(queryNanos);
		}
		else {
			this.betweenConnect.add(connectNanos);
			this.betweenQuery.add(queryNanos);
			block[2].add(connectNanos);
			block[3].add(queryNanos);
		}
	}

	/** p99 around over p99 between, with a bootstrap interval over the blocks of cycles. */
	RatioInterval p99Ratio(boolean query) {
		List<Double> around = new java.util.ArrayList<>();
		List<Double> between = new java.util.ArrayList<>();
		for (Samples[] block : this.blocks) {
			Samples a = block[query ? 1 : 0];
			Samples b = block[query ? 3 : 2];
			if (a.size() > 0 && b.size() > 0) {
				around.add(a.percentileMillis(99));
				between.add(b.percentileMillis(99));
			}
		}
		if (around.isEmpty()) {
			return new RatioInterval(Double.NaN, Double.NaN, Double.NaN, 0);
		}
		return RatioInterval.of(around, between);
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
				aroundConnect().describe(), betweenConnect().describe(), p99Ratio(false).describe(),
				aroundQuery().describe(), betweenQuery().describe(), p99Ratio(true).describe());
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
