package io.github.refreshingdatasource.credentials;

import java.util.function.IntToLongFunction;

/**
 * The lockout ledger of one process: mutated under the cache's state lock; the volatile
 * fields are read without it.
 */
final class InProcessLockoutLedger implements LockoutLedger {

	private volatile int consecutiveRejections;

	private int pausesInARow;

	private volatile long pausedUntil;

	@Override
	public long countRejection(long now, int maxConsecutiveRejections, IntToLongFunction pauseMillis) {
		if (++this.consecutiveRejections < maxConsecutiveRejections) {
			return 0;
		}
		long pause = pauseMillis.applyAsLong(this.pausesInARow++);
		this.pausedUntil = now + pause;
		return pause;
	}

	@Override
	public boolean reset() {
		boolean paused = this.pausesInARow > 0;
		this.consecutiveRejections = 0;
		this.pausesInARow = 0;
		this.pausedUntil = 0;
		return paused;
	}

	@Override
	public long pausedUntil() {
		return this.pausedUntil;
	}

	@Override
	public int consecutiveRejections() {
		return this.consecutiveRejections;
	}

}
