package io.github.refreshingdatasource.credentials;

import org.jspecify.annotations.Nullable;

/**
 * Counts rejected logins with credentials that never logged in and pauses logins after
 * {@link RefreshSettings.Lockout#maxConsecutiveRejections()} in a row, so a pool retrying
 * a wrong password does not lock the account. The count and the pause live in a
 * {@link LockoutLedger}: this process's own, or one a fleet of replicas shares. Mutated
 * under the cache's state lock.
 */
final class LockoutGuard {

	private final RefreshSettings.Lockout settings;

	private final LockoutLedger ledger;

	/** Why the database rejected the last login, for callers turned away during a pause. */
	private volatile @Nullable Throwable lastRejection;

	LockoutGuard(RefreshSettings.Lockout settings) {
		this(settings, LockoutLedger.inProcess());
	}

	LockoutGuard(RefreshSettings.Lockout settings, LockoutLedger ledger) {
		this.settings = settings;
		this.ledger = ledger;
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
		if (!this.settings.enabled()) {
			return 0;
		}
		return this.ledger.countRejection(now, this.settings.maxConsecutiveRejections(), this.settings::pauseMillis);
	}

	/**
	 * End a run of rejections.
	 * @return whether a pause had been taken in it
	 */
	boolean reset() {
		this.lastRejection = null;
		return this.ledger.reset();
	}

	boolean pausedAt(long now) {
		long until = this.ledger.pausedUntil();
		return until != 0 && now < until;
	}

	long pausedUntil() {
		return this.ledger.pausedUntil();
	}

	int consecutiveRejections() {
		return this.ledger.consecutiveRejections();
	}

	@Nullable Throwable lastRejection() {
		return this.lastRejection;
	}

}
