package io.github.refreshingdatasource.jdbc;

import java.time.Duration;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariCredentialsProvider;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.util.Credentials;
import com.zaxxer.hikari.util.PropertyElf;
import com.zaxxer.hikari.util.UtilityElf;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheListener;
import io.github.refreshingdatasource.credentials.CredentialUnavailableException;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.credentials.RefreshCause;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * Binds a {@link CredentialCache} to a {@link HikariDataSource} before its pool starts:
 * HikariCP asks the cache for the credential of every new physical connection through a
 * {@link HikariCredentialsProvider}, and opens it through a {@link RejectionAwareDataSource}
 * so a rejected credential is replaced at once.
 */
public final class HikariCredentialBinding {

	private static final Log logger = LogFactory.getLog(HikariCredentialBinding.class);

	private HikariCredentialBinding() {
	}

	/**
	 * Bind the cache to the pool.
	 * @param dataSource a pool that has not started
	 * @param cache the cache serving its credentials
	 * @param evictOnRotation whether pooled connections are soft-evicted when a new
	 * credential arrives
	 * @throws IllegalStateException when the pool has already started (its configuration is
	 * then sealed)
	 */
	public static void bind(HikariDataSource dataSource, CredentialCache cache, boolean evictOnRotation) {
		bind(dataSource, cache, evictOnRotation, RejectionHint.generic(cache.getProviderType()));
	}

	/**
	 * Bind the cache to the pool.
	 * @param dataSource a pool that has not started
	 * @param cache the cache serving its credentials
	 * @param evictOnRotation whether pooled connections are soft-evicted when a new
	 * credential arrives
	 * @param hint the likely fix of a rejected login, from the provider's package
	 * @throws IllegalStateException when the pool has already started (its configuration is
	 * then sealed)
	 */
	public static void bind(HikariDataSource dataSource, CredentialCache cache, boolean evictOnRotation,
			RejectionHint hint) {
		if (dataSource.isRunning() || dataSource.isClosed()) {
			throw new IllegalStateException("the pool has already started");
		}
		RejectionAwareDataSource connector = connectorFor(dataSource, cache, hint);
		if (connector != null) {
			dataSource.setDataSource(connector);
		}
		else {
			logger.info(cache.getDataSourceName() + ": configured through JNDI; a rejected credential is replaced "
					+ "only when it expires");
		}
		dataSource.setCredentialsProvider(new CacheCredentialsProvider(cache, connector));
		if (evictOnRotation) {
			cache.addListener(new EvictOnRotation(dataSource));
		}
	}

	private static @Nullable RejectionAwareDataSource connectorFor(HikariDataSource config, CredentialCache cache,
			RejectionHint hint) {
		if (config.getDataSource() != null) {
			return new RejectionAwareDataSource(config.getDataSource(), cache, false, hint);
		}
		if (config.getDataSourceClassName() != null) {
			// Instantiated the way HikariCP would, so the pool can log in through the wrapper.
			DataSource dataSource = UtilityElf.createInstance(config.getDataSourceClassName(), DataSource.class);
			PropertyElf.setTargetFromProperties(dataSource, config.getDataSourceProperties());
			return new RejectionAwareDataSource(dataSource, cache, false, hint);
		}
		if (config.getJdbcUrl() != null) {
			SimpleDriverDataSource driverDataSource = new SimpleDriverDataSource(
					JdbcDrivers.load(config.getJdbcUrl(), config.getDriverClassName()), config.getJdbcUrl());
			driverDataSource.setConnectionProperties(config.getDataSourceProperties());
			return new RejectionAwareDataSource(driverDataSource, cache, true, hint);
		}
		return null;
	}

	/**
	 * Hands HikariCP the cached credential. When there is none, hands it no username, so
	 * HikariCP calls the connector's no-argument {@code getConnection()}, which throws the
	 * cache's {@link CredentialUnavailableException} as the pool's connection failure.
	 */
	private static final class CacheCredentialsProvider implements HikariCredentialsProvider {

		private static final Credentials NONE = new Credentials(null, null);

		private final CredentialCache cache;

		private final @Nullable RejectionAwareDataSource connector;

		CacheCredentialsProvider(CredentialCache cache, @Nullable RejectionAwareDataSource connector) {
			this.cache = cache;
			this.connector = connector;
		}

		@Override
		public Credentials getCredentials() {
			try {
				DbCredential credential = this.cache.get();
				if (this.connector != null) {
					this.connector.credentialServed();
				}
				return new Credentials(credential.username(), credential.secret());
			}
			catch (CredentialUnavailableException ex) {
				if (this.connector == null) {
					throw new IllegalStateException(ex.getMessage(), ex);
				}
				this.connector.noCredential(ex);
				return NONE;
			}
		}

		@Override
		public String toString() {
			return "CacheCredentialsProvider[" + this.cache.getDataSourceName() + "]";
		}

	}

	private static final class EvictOnRotation implements CredentialCacheListener {

		private final HikariDataSource dataSource;

		EvictOnRotation(HikariDataSource dataSource) {
			this.dataSource = dataSource;
		}

		@Override
		public void refreshSucceeded(CredentialCache cache, RefreshCause cause, Duration duration,
				DbCredential credential, boolean rotated) {
			HikariPoolMXBean pool = this.dataSource.getHikariPoolMXBean();
			if (rotated && pool != null) {
				logger.debug(cache.getDataSourceName() + ": credential rotated, soft-evicting pooled connections");
				pool.softEvictConnections();
			}
		}

	}

}
