package io.github.refreshingdatasource.coordination;

import java.time.Duration;
import java.time.Instant;

import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.credentials.NonRetryableCredentialException;
import io.github.refreshingdatasource.credentials.provider.oauth2.OAuth2ErrorException;
import org.jspecify.annotations.Nullable;

/**
 * The provider of one coordinated DataSource: takes the fleet's credential while it is
 * outside the refresh margin, so N replicas make one provider call per credential life.
 * Past the margin (or when the fleet's credential is the one this DataSource already has
 * and it asks again, as after a rejected login), it takes the fleet lock, re-reads (another
 * replica may have just refreshed), calls its own provider, writes the result and releases.
 * When the store cannot be reached, it calls its own provider alone, and says so once.
 */
final class SharedCredentialProvider implements CredentialProvider {

	static final String CREDENTIAL = "credential";

	private static final long ONE_HOUR = Duration.ofHours(1).toMillis();

	private final FleetCoordinator coordinator;

	private final String dataSourceName;

	private final String key;

	private final CredentialProvider delegate;

	private final Duration lockTimeout;

	private final Duration beforeExpiry;

	private final FleetStatistics statistics;

	/** The fingerprint of what this DataSource got last: asking again means it wants another. */
	private volatile @Nullable String lastServed;

	SharedCredentialProvider(FleetCoordinator coordinator, String dataSourceName, String key,
			CredentialProvider delegate, Duration lockTimeout, Duration beforeExpiry, FleetStatistics statistics) {
		this.coordinator = coordinator;
		this.dataSourceName = dataSourceName;
		this.key = key;
		this.delegate = delegate;
		this.lockTimeout = lockTimeout;
		this.beforeExpiry = beforeExpiry;
		this.statistics = statistics;
	}

	@Override
	public DbCredential fetch() throws Exception {
		DbCredential shared;
		FleetLocks.Held held;
		try {
			shared = usable(read());
			if (shared != null) {
				return served(shared);
			}
			held = this.coordinator.locks()
				.lock(this.key + ":credential", this.lockTimeout, this.statistics.lockWaits::increment);
		}
		catch (RuntimeException ex) {
			return alone(ex);
		}
		try {
			// Another replica may have refreshed while this one waited.
			shared = usable(read());
			if (shared != null) {
				return served(shared);
			}
			DbCredential fetched = fetchForFleet();
			Instant now = Instant.now();
			write(new SharedCredential(fetched, refreshAt(fetched, now)));
			this.lastServed = fetched.fingerprint();
			return fetched;
		}
		finally {
			held.close();
		}
	}

	private DbCredential fetchForFleet() throws Exception {
		try {
			DbCredential fetched = this.delegate.fetch();
			this.statistics.refreshes.increment();
			this.coordinator.chainHealthy(this.dataSourceName);
			return fetched;
		}
		catch (OAuth2ErrorException ex) {
			if (ex.isInvalidGrant()) {
				String message = "DataSource '" + this.dataSourceName + "': the token endpoint refused the fleet's "
						+ "refresh token (invalid_grant): the shared refresh token chain is broken, most likely because "
						+ "a replica redeemed the token and stopped before storing its successor. Re-authorize, set "
						+ "refreshing.datasource.provider.oauth2.refresh-token to the new token and restart one replica.";
				this.coordinator.chainBroken(this.dataSourceName, message);
				throw new NonRetryableCredentialException(message, ex);
			}
			throw ex;
		}
	}

	private @Nullable SharedCredential read() {
		return SharedCredential.decode(this.coordinator.store().get(this.key, CREDENTIAL));
	}

	private void write(SharedCredential credential) {
		try {
			this.coordinator.store().put(this.key, CREDENTIAL, credential.encode());
		}
		catch (RuntimeException ex) {
			// The credential is good; the next replica refreshes for itself.
			this.statistics.storeFailures.increment();
			this.coordinator.warnOnce("store-write:" + this.dataSourceName, "DataSource '" + this.dataSourceName
					+ "': the fleet store " + this.coordinator.store().describe() + " could not be written ("
					+ ex.getClass().getSimpleName() + "); other replicas fetch their own credential meanwhile");
		}
	}

	/** The store or its lock cannot be reached: availability first, the provider is asked directly. */
	private DbCredential alone(RuntimeException ex) throws Exception {
		this.statistics.storeFailures.increment();
		this.coordinator.warnOnce("store-read:" + this.dataSourceName,
				"DataSource '" + this.dataSourceName + "': the fleet store " + this.coordinator.store().describe()
						+ " cannot be reached (" + ex.getClass().getSimpleName()
						+ "); fetching credentials without the fleet until it answers");
		DbCredential fetched = fetchForFleet();
		this.lastServed = fetched.fingerprint();
		return fetched;
	}

	private @Nullable DbCredential usable(@Nullable SharedCredential shared) {
		if (shared == null) {
			return null;
		}
		Instant now = Instant.now();
		DbCredential credential = shared.credential();
		if (!now.isBefore(shared.refreshAt())
				|| (credential.expiresAt() != null && !now.isBefore(credential.expiresAt()))
				|| credential.fingerprint().equals(this.lastServed)) {
			return null;
		}
		return credential;
	}

	private DbCredential served(DbCredential shared) {
		this.statistics.sharedHits.increment();
		this.lastServed = shared.fingerprint();
		return shared;
	}

	/**
	 * When the fetching replica's own schedule would refresh (the cache's rule, without
	 * jitter): half the lifetime when it is an hour or more, otherwise before-expiry before
	 * expiry but not before half the lifetime. Without a stated expiry, at once: each replica
	 * then follows its own default lifetime.
	 */
	private Instant refreshAt(DbCredential credential, Instant now) {
		if (credential.expiresAt() == null) {
			return now;
		}
		long remaining = credential.expiresAt().toEpochMilli() - now.toEpochMilli();
		long delay = (remaining >= ONE_HOUR) ? remaining / 2
				: Math.max(remaining - this.beforeExpiry.toMillis(), remaining / 2);
		return now.plusMillis(Math.max(delay, 0));
	}

	@Override
	public AutoCloseable watch(Runnable listener) {
		return this.delegate.watch(listener);
	}

	@Override
	public String toString() {
		return "SharedCredentialProvider[" + this.delegate + ", " + this.coordinator.store().describe() + "]";
	}

}
