package io.github.refreshingdatasource.coordination;

import java.util.function.IntToLongFunction;

import io.github.refreshingdatasource.credentials.LockoutLedger;
import org.jspecify.annotations.Nullable;

/**
 * The lockout guard's run of rejected logins and its pause, shared by the fleet: a replica
 * that counts the rejection which reaches the limit pauses every replica, and one that
 * counts a rejection during the pause joins it rather than starting a longer one. When the
 * store cannot be reached, this replica's own count takes over (the guard never stops
 * guarding), and that is said once.
 */
final class FleetLockoutLedger implements LockoutLedger {

	static final String REJECTIONS = "lockout-rejections";

	static final String PAUSES = "lockout-pauses";

	static final String PAUSED_UNTIL = "lockout-paused-until";

	private final FleetCoordinator coordinator;

	private final String dataSourceName;

	private final String key;

	private final LockoutLedger local = LockoutLedger.inProcess();

	FleetLockoutLedger(FleetCoordinator coordinator, String dataSourceName, String key) {
		this.coordinator = coordinator;
		this.dataSourceName = dataSourceName;
		this.key = key;
	}

	@Override
	public long countRejection(long now, int maxConsecutiveRejections, IntToLongFunction pauseMillis) {
		long localPause = this.local.countRejection(now, maxConsecutiveRejections, pauseMillis);
		try {
			FleetStore store = this.coordinator.store();
			if (store.increment(this.key, REJECTIONS) < maxConsecutiveRejections) {
				return 0;
			}
			long until = parse(store.get(this.key, PAUSED_UNTIL));
			if (until > now) {
				return until - now;
			}
			long pause = pauseMillis.applyAsLong((int) (store.increment(this.key, PAUSES) - 1));
			store.put(this.key, PAUSED_UNTIL, Long.toString(now + pause));
			return pause;
		}
		catch (RuntimeException ex) {
			unreachable(ex);
			return localPause;
		}
	}

	@Override
	public boolean reset() {
		boolean localPaused = this.local.reset();
		try {
			FleetStore store = this.coordinator.store();
			boolean paused = store.get(this.key, PAUSES) != null;
			store.remove(this.key, REJECTIONS, PAUSES, PAUSED_UNTIL);
			return paused;
		}
		catch (RuntimeException ex) {
			unreachable(ex);
			return localPaused;
		}
	}

	@Override
	public long pausedUntil() {
		try {
			return parse(this.coordinator.store().get(this.key, PAUSED_UNTIL));
		}
		catch (RuntimeException ex) {
			unreachable(ex);
			return this.local.pausedUntil();
		}
	}

	@Override
	public int consecutiveRejections() {
		try {
			return (int) parse(this.coordinator.store().get(this.key, REJECTIONS));
		}
		catch (RuntimeException ex) {
			unreachable(ex);
			return this.local.consecutiveRejections();
		}
	}

	private void unreachable(RuntimeException ex) {
		this.coordinator.warnOnce("lockout:" + this.dataSourceName, "DataSource '" + this.dataSourceName
				+ "': the fleet store " + this.coordinator.store().describe() + " cannot be reached ("
				+ ex.getClass().getSimpleName() + "); the lockout guard counts this replica's rejected logins alone");
	}

	private static long parse(@Nullable String value) {
		if (value == null) {
			return 0;
		}
		try {
			return Long.parseLong(value);
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

}
