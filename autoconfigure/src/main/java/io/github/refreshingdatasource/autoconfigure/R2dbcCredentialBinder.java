package io.github.refreshingdatasource.autoconfigure;

import java.util.function.Consumer;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;

/**
 * Creates R2DBC connection factories at runtime (one per tenant, say) bound to rotating
 * credentials, as Spring Boot's {@code ConnectionFactory} would be: an r2dbc-pool
 * {@link ConnectionPool} over the driver, which reads the credential on every connection
 * attempt, with the settings {@code refreshing.datasource.*} and
 * {@code refreshing.datasource.datasources.<name>.*} over them. The cache shows in the
 * metrics, the {@code dbcredentials} endpoint and health under the name until the returned
 * binding is closed. Offered only when r2dbc-pool and r2dbc-postgresql are on the
 * classpath; it is a separate bean from {@link CredentialBinder} so applications without
 * R2DBC never load its types.
 */
public interface R2dbcCredentialBinder {

	/**
	 * Create and bind a pooled connection factory with r2dbc-pool's default pool settings.
	 * @param name the name of its cache and settings; unique among the bound caches
	 * @param options the driver's options ({@code r2dbc:postgresql://...}), not
	 * {@code r2dbc:pool:}; their {@code user} and {@code password} are replaced by the
	 * cache's credential
	 * @return the binding
	 * @see #bind(String, ConnectionFactoryOptions, Consumer)
	 */
	default R2dbcBinding bind(String name, ConnectionFactoryOptions options) {
		return bind(name, options, (pool) -> {
		});
	}

	/**
	 * Create and bind a pooled connection factory.
	 * @param name the name of its cache and settings; unique among the bound caches
	 * @param options the driver's options ({@code r2dbc:postgresql://...}), not
	 * {@code r2dbc:pool:}; their {@code user} and {@code password} are replaced by the
	 * cache's credential
	 * @param pool customizes the pool (sizes, max life time); its name is preset to
	 * {@code name}
	 * @return the binding; closing it closes the cache, then disposes the pool
	 * @throws RefreshingDataSourceConfigurationException when the driver cannot rotate
	 * credentials or a setting cannot work, as the bean's would fail startup
	 * @throws IllegalArgumentException when the options select {@code r2dbc:pool:}
	 * @throws IllegalStateException when a cache of that name is registered
	 */
	R2dbcBinding bind(String name, ConnectionFactoryOptions options,
			Consumer<ConnectionPoolConfiguration.Builder> pool);

	/**
	 * A connection factory created by {@link R2dbcCredentialBinder#bind}.
	 */
	interface R2dbcBinding extends AutoCloseable {

		/** The name of its cache and settings. */
		String name();

		/**
		 * Whether a cache serves the factory: {@code false} when
		 * {@code refreshing.datasource.datasources.<name>.enabled=false} leaves it alone
		 * (it then logs in with the options' own {@code user} and {@code password}).
		 */
		boolean isBound();

		/** The pool to use; disposed once the binding is closed. */
		ConnectionFactory connectionFactory();

		/** Unregister and close the cache, then dispose the pool. Idempotent. */
		@Override
		void close();

	}

}
