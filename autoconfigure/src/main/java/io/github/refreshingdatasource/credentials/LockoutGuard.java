package io.github.refreshingdatasource.credentials;

import org.jspecify.annotations.Nullable;

/**
 * Counts rejected logins with credentials that never logged in and pauses logins after
 * {@link RefreshSettings.Lockout#maxConsecutiveRejections()} in a row, so a pool retrying
 * a wrong password does not lock the account. Mutated under the cache's state lock; the
 * volatile fields are read without it on the connection path.
 */
final class LockoutGuard {

	private final RefreshSettings.Lockout settings;

	private volatile int consecutiveRejections;

	private int pausesInARow;

	/** Until when (epoch millis) no credential is handed out; 0 when no pause was taken. */
	private volatile long pausedUntil;

	/** Why the database rejected the last login, for callers turned away during a pause. */
	private volatile @Nullable Throwable lastRejection;

	LockoutGuard(RefreshSettings.Lockout settings) {
		this.settings = settings;
	}

	void reason(@Nullable Throwable reason) {
		if (reason != null) {
			this.lastRejection = reason;
		}
	}

	/**
	 * Count a rejection of a credential that never logged in.
	 * @param now epoch millis
	 * @return the pause taken now in milliseconds, 0 when none
	 */
	long countRejection(long now) {
		if (!this.settings.enabled() || ++this.consecutiveRejections < this.settings.maxConsecutiveRejections()) {
			return 0;
		}
		long pause = this.settings.pauseMillis(this.pausesInARow++);
		this.pausedUntil = now + pause;
		return pause;
	}

	/**
	 * End a run of rejections.
	 * @return whether a pause had been taken in it
	 */
	boolean reset() {
		boolean paused = this.pausesInARow > 0;
		this.consecutiveRejections = 0;
		this.pausesInARow = 0;
		this.pausedUntil = 0;
		this.lastRejection = null;
		return paused;
	}

	boolean pausedAt(long now) {
		long until = this.pausedUntil;
		return until != 0 && now < until;
	}

	long pausedUntil() {
		return this.pausedUntil;
	}

	int consecutiveRejections() {
		return this.consecutiveRejections;
	}

	@Nullable Throwable lastRejection() {
		return this.lastRejection;
	}

}
