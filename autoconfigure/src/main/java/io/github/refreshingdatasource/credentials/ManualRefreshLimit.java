package io.github.refreshingdatasource.credentials;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * At most one manual refresh ({@link CredentialCache#refresh()}, the Actuator endpoint's
 * POST) per {@code refresh.manual-min-interval} reaches the provider, so repeated requests
 * can neither hammer the source nor defeat the lockout guard. Lock-free: callers at the
 * same instant race on one compare-and-set and only the winner is let through.
 */
final class ManualRefreshLimit {

	private static final long NEVER = Long.MIN_VALUE;

	private final long minMillis;

	/** Epoch millis of the last manual refresh let through. */
	private final AtomicLong last = new AtomicLong(NEVER);

	ManualRefreshLimit(Duration minInterval) {
		this.minMillis = minInterval.toMillis();
	}

	/**
	 * Let one manual refresh through, if it is allowed now.
	 * @param now epoch millis
	 * @return whether this caller may call the provider; {@code false} when it is too soon
	 * or another caller got in first at the same moment
	 */
	boolean tryAcquire(long now) {
		if (this.minMillis <= 0) {
			return true;
		}
		long previous = this.last.get();
		if (previous != NEVER && now - previous < this.minMillis) {
			return false;
		}
		return this.last.compareAndSet(previous, now);
	}

	/** When the next manual refresh is allowed, for the refusal's message. */
	Instant nextAllowed() {
		long previous = this.last.get();
		return Instant.ofEpochMilli((previous != NEVER) ? previous + this.minMillis : 0);
	}

}
