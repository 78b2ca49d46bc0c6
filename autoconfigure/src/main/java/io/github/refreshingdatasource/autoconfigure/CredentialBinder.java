package io.github.refreshingdatasource.autoconfigure;

import javax.sql.DataSource;

/**
 * Binds a pool the application creates at runtime (one per tenant behind an
 * {@code AbstractRoutingDataSource}, say) to rotating credentials, as a {@code DataSource}
 * bean of that name would be: the settings are {@code refreshing.datasource.*} with
 * {@code refreshing.datasource.datasources.<name>.*} over them, and the cache shows in the
 * metrics, the {@code dbcredentials} endpoint and health under the name until the returned
 * binding is closed.
 */
public interface CredentialBinder {

	/**
	 * Bind a HikariCP, Tomcat JDBC, Commons DBCP2 or Oracle UCP pool before its first
	 * connection.
	 * @param name the name of its cache and settings; unique among the bound DataSources
	 * @param pool the pool, not yet started
	 * @return the binding; closing it closes the cache, then the pool
	 * @throws RefreshingDataSourceConfigurationException when the pool or its settings
	 * cannot work, as a bean's would fail startup
	 * @throws IllegalStateException when the pool is bound already, or a cache of that name
	 * is registered
	 */
	CredentialBinding bind(String name, DataSource pool);

	/**
	 * A pool bound by {@link CredentialBinder#bind}.
	 */
	interface CredentialBinding extends AutoCloseable {

		/** The name of its cache and settings. */
		String name();

		/**
		 * Whether a cache serves the pool: {@code false} when
		 * {@code refreshing.datasource.datasources.<name>.enabled=false} leaves it alone.
		 */
		boolean isBound();

		/** Unregister and close the cache, then close the pool. Idempotent. */
		@Override
		void close();

	}

}
