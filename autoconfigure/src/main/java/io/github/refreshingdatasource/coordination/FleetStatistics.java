package io.github.refreshingdatasource.coordination;

import java.util.concurrent.atomic.LongAdder;

/**
 * What one replica did for one coordinated DataSource: credentials taken from the fleet
 * without calling the provider, waits for another replica's lock, and provider calls made
 * for the fleet.
 */
public final class FleetStatistics {

	final LongAdder sharedHits = new LongAdder();

	final LongAdder lockWaits = new LongAdder();

	final LongAdder refreshes = new LongAdder();

	final LongAdder storeFailures = new LongAdder();

	/** @return credentials taken from the fleet store instead of calling the provider */
	public long sharedHits() {
		return this.sharedHits.sum();
	}

	/** @return times this replica waited for a lock another replica held */
	public long lockWaits() {
		return this.lockWaits.sum();
	}

	/** @return provider calls this replica made for the fleet */
	public long refreshes() {
		return this.refreshes.sum();
	}

	/** @return reads or writes of the fleet store that failed */
	public long storeFailures() {
		return this.storeFailures.sum();
	}

}
