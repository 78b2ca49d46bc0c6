package io.github.refreshingdatasource.jdbc;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

import io.github.refreshingdatasource.credentials.CredentialCache;
import org.apache.commons.dbcp2.BasicDataSource;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.datasource.AbstractDataSource;

/**
 * Binds a {@link CredentialCache} to a Commons DBCP2 pool ({@link BasicDataSource}) before it
 * starts. DBCP2 copies username and password into its connection factory when the pool
 * starts, so a later {@code setPassword} is ignored; it does take a {@link Driver} instance
 * ({@link BasicDataSource#setDriver(Driver)}). The pool is given a driver that opens every
 * physical connection through a {@link RejectionAwareDataSource}, which logs in with the
 * cache's credential and replaces a rejected one. {@code on-rotation: evict} clears the
 * pool's idle connections ({@link GenericObjectPool#clear()}); DBCP2 has no way to mark the
 * ones in use, which are retired by its {@code maxConnLifetimeMillis} or at a later rotation
 * that finds them idle.
 */
public final class Dbcp2CredentialBinding {

	private Dbcp2CredentialBinding() {
	}

	/**
	 * Bind the cache to the pool.
	 * @param pool a pool that has not started
	 * @param cache the cache serving its credentials
	 * @param evictOnRotation whether idle connections are closed when a new credential
	 * arrives
	 * @param hint the likely fix of a rejected login, for this provider
	 * @throws IllegalStateException when the pool has already started or has no URL
	 */
	public static void bind(BasicDataSource pool, CredentialCache cache, boolean evictOnRotation,
			RejectionHint hint) {
		if (pool.getConnectionPool() != null || pool.isClosed()) {
			throw new IllegalStateException("the pool has already started");
		}
		if (pool.getDriver() instanceof CredentialDriver) {
			throw new IllegalStateException("the pool is already bound to rotating credentials");
		}
		String url = pool.getUrl();
		if (url == null) {
			throw new IllegalStateException("it has no url");
		}
		Driver driver = (pool.getDriver() != null) ? pool.getDriver() : JdbcDrivers.load(url, pool.getDriverClassName());
		CredentialDriver credentialDriver = new CredentialDriver(driver, url, cache, hint);
		pool.setDriver(credentialDriver);
		pool.setPassword(null);
		if (evictOnRotation) {
			cache.addListener(new RotationEviction(credentialDriver.connector, "clearing the DBCP2 pool's idle connections",
					() -> {
						GenericObjectPool<?> connections = pool.getConnectionPool();
						if (connections != null) {
							connections.clear();
						}
					}));
		}
	}

	/**
	 * The driver DBCP2 connects with: ignores the user and password DBCP2 passes, and logs
	 * in through the connector with the other properties.
	 */
	private static final class CredentialDriver implements Driver {

		private final Driver driver;

		private final DriverLogin target;

		final RejectionAwareDataSource connector;

		CredentialDriver(Driver driver, String url, CredentialCache cache, RejectionHint hint) {
			this.driver = driver;
			this.target = new DriverLogin(driver, url);
			this.connector = new RejectionAwareDataSource(this.target, cache, false, hint);
		}

		@Override
		public @Nullable Connection connect(String url, Properties info) throws SQLException {
			if (!this.driver.acceptsURL(url)) {
				return null;
			}
			// DBCP2 passes its connection properties, the same on every call.
			this.target.properties = JdbcDrivers.withoutCredentials(info);
			return this.connector.getConnection();
		}

		@Override
		public boolean acceptsURL(String url) throws SQLException {
			return this.driver.acceptsURL(url);
		}

		@Override
		public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) throws SQLException {
			return this.driver.getPropertyInfo(url, info);
		}

		@Override
		public int getMajorVersion() {
			return this.driver.getMajorVersion();
		}

		@Override
		public int getMinorVersion() {
			return this.driver.getMinorVersion();
		}

		@Override
		public boolean jdbcCompliant() {
			return this.driver.jdbcCompliant();
		}

		@Override
		public Logger getParentLogger() throws SQLFeatureNotSupportedException {
			return this.driver.getParentLogger();
		}

		@Override
		public String toString() {
			return "CredentialDriver[" + this.driver.getClass().getName() + "]";
		}

	}

	/** Logs in with the given credential and DBCP2's other connection properties. */
	private static final class DriverLogin extends AbstractDataSource {

		private final Driver driver;

		private final String url;

		volatile Properties properties = new Properties();

		DriverLogin(Driver driver, String url) {
			this.driver = driver;
			this.url = url;
		}

		@Override
		public Connection getConnection() throws SQLException {
			throw new SQLFeatureNotSupportedException("logins go through the credential cache");
		}

		@Override
		public Connection getConnection(String username, String password) throws SQLException {
			Properties login = new Properties();
			login.putAll(this.properties);
			if (username != null) {
				login.setProperty("user", username);
			}
			login.setProperty("password", password);
			Connection connection = this.driver.connect(this.url, login);
			if (connection == null) {
				throw new SQLException("the driver " + this.driver.getClass().getName() + " does not accept " + this.url);
			}
			return connection;
		}

	}

}
