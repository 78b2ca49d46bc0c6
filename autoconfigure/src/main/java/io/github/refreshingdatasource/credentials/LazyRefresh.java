package io.github.refreshingdatasource.credentials;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Refreshes when the first {@code get()} inside the refresh margin asks: no thread waits
 * for the schedule, which suits serverless and scale-to-zero deployments.
 */
final class LazyRefresh implements RefreshTrigger {

	private final Clock clock;

	/** When (epoch millis) the first caller starts a refresh; {@code Long.MAX_VALUE} for never. */
	private final AtomicLong refreshAt = new AtomicLong(Long.MAX_VALUE);

	LazyRefresh(Clock clock) {
		this.clock = clock;
	}

	@Override
	public void scheduleIn(long delayMillis, Runnable refresh) {
		this.refreshAt.set(this.clock.millis() + delayMillis);
	}

	@Override
	public boolean claim(long now) {
		long at = this.refreshAt.get();
		return now >= at && this.refreshAt.compareAndSet(at, Long.MAX_VALUE);
	}

	@Override
	public void cancel() {
		this.refreshAt.set(Long.MAX_VALUE);
	}

}
