package io.github.refreshingdatasource.credentials;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * Refreshes ahead of expiry on the (shared) scheduler thread, which only hands the refresh
 * to the refresh pool, so one slow provider never delays another cache's schedule.
 */
final class BackgroundRefresh implements RefreshTrigger {

	private final ScheduledExecutorService scheduler;

	private @Nullable ScheduledFuture<?> next;

	BackgroundRefresh(ScheduledExecutorService scheduler) {
		this.scheduler = scheduler;
	}

	@Override
	public synchronized void scheduleIn(long delayMillis, Runnable refresh) {
		cancel();
		try {
			this.next = this.scheduler.schedule(refresh, delayMillis, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Closed: nothing more to schedule.
			this.next = null;
		}
	}

	@Override
	public boolean claim(long now) {
		return false;
	}

	@Override
	public synchronized void cancel() {
		if (this.next != null) {
			this.next.cancel(false);
			this.next = null;
		}
	}

}
