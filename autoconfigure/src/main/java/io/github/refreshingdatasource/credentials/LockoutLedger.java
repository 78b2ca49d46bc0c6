package io.github.refreshingdatasource.credentials;

import java.util.function.IntToLongFunction;

/**
 * Where the {@linkplain RefreshSettings.Lockout lockout guard} keeps its run of rejected
 * logins and its pause. The default is this process alone; a fleet of replicas logging in
 * as one account shares one ledger, so the database sees one guard's worth of rejected
 * logins rather than one per replica. Calls come under the cache's state lock, off the
 * healthy connection path (only while a credential is rejected or paused).
 */
public interface LockoutLedger {

	/**
	 * Count a rejection of a credential that never logged in.
	 * @param now epoch millis
	 * @param maxConsecutiveRejections the rejections in a row after which logins pause
	 * @param pauseMillis the length of a pause, given how many were taken before it in
	 * this run
	 * @return the pause (in milliseconds) logins now wait, 0 when none
	 */
	long countRejection(long now, int maxConsecutiveRejections, IntToLongFunction pauseMillis);

	/**
	 * End the run of rejections and any pause.
	 * @return whether a pause had been taken in it
	 */
	boolean reset();

	/**
	 * Until when logins are paused.
	 * @return epoch millis, 0 when no pause was taken
	 */
	long pausedUntil();

	/**
	 * The rejections in a row so far.
	 * @return the count
	 */
	int consecutiveRejections();

	/**
	 * The ledger of this process alone.
	 * @return a new ledger
	 */
	static LockoutLedger inProcess() {
		return new InProcessLockoutLedger();
	}

}
