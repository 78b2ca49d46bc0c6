package io.github.refreshingdatasource.jdbc;

import javax.sql.DataSource;

import io.github.refreshingdatasource.credentials.CredentialCache;
import org.apache.tomcat.jdbc.pool.PoolConfiguration;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * Binds a {@link CredentialCache} to a Tomcat JDBC pool
 * ({@code org.apache.tomcat.jdbc.pool.DataSource}). The pool is given a
 * {@link RejectionAwareDataSource} as its {@code dataSource} and no password: Tomcat then
 * opens every physical connection with the no-argument {@code getConnection()} of that
 * DataSource, which logs in with the cache's credential and replaces a rejected one.
 * {@code on-rotation: evict} calls the pool's {@code purge()}: idle connections are closed at
 * once, connections in use when they are returned.
 */
public final class TomcatCredentialBinding {

	private TomcatCredentialBinding() {
	}

	/**
	 * Bind the cache to the pool. Connections the pool opened before stay as they are.
	 * @param pool the pool, started or not
	 * @param cache the cache serving its credentials
	 * @param evictOnRotation whether pooled connections are purged when a new credential
	 * arrives
	 * @param hint the likely fix of a rejected login, for this provider
	 * @throws IllegalStateException when the pool has neither a URL nor a
	 * {@code javax.sql.DataSource} to connect through
	 */
	public static void bind(org.apache.tomcat.jdbc.pool.DataSource pool, CredentialCache cache,
			boolean evictOnRotation, RejectionHint hint) {
		PoolConfiguration config = pool.getPoolProperties();
		RejectionAwareDataSource connector = new RejectionAwareDataSource(target(config), cache, false,
				hint);
		config.setDataSource(connector);
		// Tomcat passes username and password only when both are set; without a password it
		// asks the DataSource for a connection of its own choosing.
		config.setPassword(null);
		if (evictOnRotation) {
			cache.addListener(new RotationEviction(connector, "purging the Tomcat JDBC pool", pool::purge));
		}
	}

	private static DataSource target(PoolConfiguration config) {
		Object configured = config.getDataSource();
		if (configured instanceof RejectionAwareDataSource) {
			throw new IllegalStateException("the pool is already bound to rotating credentials");
		}
		if (configured instanceof DataSource dataSource) {
			return dataSource;
		}
		if (configured != null) {
			throw new IllegalStateException("its dataSource (" + configured.getClass().getName()
					+ ") is not a javax.sql.DataSource; XA and ConnectionPoolDataSource are not supported");
		}
		String url = config.getUrl();
		if (url == null) {
			throw new IllegalStateException("it has no url and no dataSource");
		}
		SimpleDriverDataSource driverDataSource = new SimpleDriverDataSource(
				JdbcDrivers.load(url, config.getDriverClassName()), url);
		driverDataSource.setConnectionProperties(JdbcDrivers.withoutCredentials(config.getDbProperties()));
		return driverDataSource;
	}

}
