package io.github.refreshingdatasource.coordination;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.LockoutLedger;
import io.github.refreshingdatasource.credentials.provider.oauth2.RefreshTokenStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.integration.support.locks.LockRegistry;
import org.springframework.util.Assert;

/**
 * One backend of fleet coordination (a Redis, a table): hands out, per credential source
 * key, the shared-credential provider, the refresh-token store and the lockout ledger that
 * make many replicas act as one. Keys are derived from the credential source's identity,
 * so two replicas configured alike meet under the same key.
 */
public final class FleetCoordinator {

	private static final Log logger = LogFactory.getLog(FleetCoordinator.class);

	private final FleetStore store;

	private final FleetLocks locks;

	private final Duration lease;

	private final Map<String, FleetStatistics> statistics = new ConcurrentHashMap<>();

	private final Set<String> warned = ConcurrentHashMap.newKeySet();

	private final Map<String, String> brokenChains = new ConcurrentHashMap<>();

	/**
	 * Create a coordinator.
	 * @param store where the shared state is kept
	 * @param locks the fleet's locks; their lease (expiry) must outlast one provider call
	 * @param lease the locks' lease, for messages and the endpoint
	 */
	public FleetCoordinator(FleetStore store, LockRegistry<?> locks, Duration lease) {
		Assert.notNull(store, "store must not be null");
		Assert.notNull(locks, "locks must not be null");
		this.store = store;
		this.locks = new FleetLocks(locks);
		this.lease = lease;
	}

	/**
	 * Decorate the provider of one DataSource so that the fleet shares its credentials.
	 * @param dataSourceName the DataSource, for statistics and logs
	 * @param key the credential source's key
	 * @param delegate the DataSource's own provider
	 * @param lockTimeout how long to wait for another replica's refresh
	 * @param beforeExpiry the refresh margin ({@code refresh.before-expiry})
	 * @return the shared provider
	 */
	public CredentialProvider share(String dataSourceName, String key, CredentialProvider delegate,
			Duration lockTimeout, Duration beforeExpiry) {
		return new SharedCredentialProvider(this, dataSourceName, key, delegate, lockTimeout, beforeExpiry,
				statisticsOf(dataSourceName));
	}

	/**
	 * A refresh-token store the whole fleet continues one chain in.
	 * @param key the credential source's key
	 * @param initial the configured refresh token, adopted when the fleet has none yet or
	 * the operator configured a new one (re-authorized)
	 * @return the store
	 */
	public RefreshTokenStore refreshTokenStore(String key, @Nullable String initial) {
		return new FleetRefreshTokenStore(this, key, initial);
	}

	/**
	 * A lockout ledger the fleet shares, so the guard's count and pause are fleet-wide.
	 * @param dataSourceName the DataSource, for logs
	 * @param key the credential source's key
	 * @return the ledger
	 */
	public LockoutLedger lockoutLedger(String dataSourceName, String key) {
		return new FleetLockoutLedger(this, dataSourceName, key);
	}

	/**
	 * What this replica did for one DataSource.
	 * @param dataSourceName the DataSource
	 * @return its statistics, zero when it is not coordinated here
	 */
	public FleetStatistics statisticsOf(String dataSourceName) {
		return this.statistics.computeIfAbsent(dataSourceName, (name) -> new FleetStatistics());
	}

	/**
	 * Why the refresh-token chain of a DataSource is broken, if it is.
	 * @param dataSourceName the DataSource
	 * @return the message to show operators, or {@code null}
	 */
	public @Nullable String brokenChain(String dataSourceName) {
		return this.brokenChains.get(dataSourceName);
	}

	/**
	 * Where the state is kept and how long a lock is leased, without any credential.
	 * @return the description
	 */
	public String describe() {
		return this.store.describe() + ", locks " + this.locks + " (lease " + this.lease + ")";
	}

	FleetStore store() {
		return this.store;
	}

	FleetLocks locks() {
		return this.locks;
	}

	void chainBroken(String dataSourceName, String message) {
		this.brokenChains.put(dataSourceName, message);
		warnOnce("broken-chain:" + dataSourceName, message);
	}

	void chainHealthy(String dataSourceName) {
		this.brokenChains.remove(dataSourceName);
	}

	/** Warn once per replica and subject: a fleet of 20 logs 20 lines, not 20 per refresh. */
	void warnOnce(String subject, String message) {
		if (this.warned.add(subject)) {
			logger.warn(message);
		}
	}

	@Override
	public String toString() {
		return "FleetCoordinator[" + describe() + "]";
	}

}
