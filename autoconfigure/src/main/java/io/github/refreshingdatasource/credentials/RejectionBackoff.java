package io.github.refreshingdatasource.credentials;

import org.jspecify.annotations.Nullable;

/**
 * Backs off forced re-fetches while the source keeps returning a credential the database
 * rejected: without it every rejected login would call the provider again at once.
 * Guarded by the cache's state lock.
 */
final class RejectionBackoff {

	private final long initialMillis;

	private final long maxMillis;

	private @Nullable DbCredential lastRejected;

	private long backoffMillis;

	private long notBefore;

	RejectionBackoff(RefreshSettings.Retry retry) {
		this.initialMillis = retry.initialInterval().toMillis();
		this.maxMillis = retry.maxInterval().toMillis();
		this.backoffMillis = this.initialMillis;
	}

	/** Whether a rejection of this credential should not force a re-fetch yet. */
	boolean holdsOff(DbCredential rejected, long now) {
		return rejected.sameLogin(this.lastRejected) && now < this.notBefore;
	}

	void rejected(DbCredential credential) {
		this.lastRejected = credential;
	}

	boolean isRejected(DbCredential fetched) {
		return fetched.sameLogin(this.lastRejected);
	}

	/**
	 * The source returned the rejected credential again: wait longer before the next forced
	 * re-fetch.
	 * @param now epoch millis
	 * @return whether this is the first time in the run (worth a WARN)
	 */
	boolean returnedAgain(long now) {
		boolean first = this.backoffMillis == this.initialMillis;
		this.notBefore = now + this.backoffMillis;
		this.backoffMillis = Math.min(this.backoffMillis * 2, this.maxMillis);
		return first;
	}

	void clear() {
		this.lastRejected = null;
		this.backoffMillis = this.initialMillis;
	}

	long notBefore() {
		return this.notBefore;
	}

}
