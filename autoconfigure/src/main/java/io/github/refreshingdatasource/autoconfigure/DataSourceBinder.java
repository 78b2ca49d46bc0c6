package io.github.refreshingdatasource.autoconfigure;

import java.sql.Connection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Function;

import javax.sql.DataSource;

import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.github.refreshingdatasource.jdbc.PoolTransport;
import io.github.refreshingdatasource.jdbc.RejectionHint;
import io.github.refreshingdatasource.jdbc.TransportSecurity;
import io.github.refreshingdatasource.jdbc.UnpooledCredentialBinding;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.datasource.AbstractDriverBasedDataSource;

/**
 * Binds DataSources, the DataSources Flyway and Liquibase build for themselves, and R2DBC
 * connection factories to credential caches, each configured under its name
 * ({@code refreshing.datasource.datasources.<name>.*}): create the cache, bind it through
 * the pool's seam, register it, start it, run the fail-fast check. Every binding is
 * returned as a {@link Binding} whose close undoes it.
 */
final class DataSourceBinder {

	private static final Log logger = LogFactory.getLog(DataSourceBinder.class);

	private final CredentialCacheFactory factory;

	private final ObjectProvider<CredentialCacheRegistry> registry;

	/** By pool, so a pool behind two beans (a proxy and its target) is bound once. */
	private final Map<Object, Binding> pools = new IdentityHashMap<>();

	/**
	 * Every DataSource bean seen, bound or not: a migration tool that uses one is left to it.
	 * Weak, so an excluded prototype that nobody destroys is not kept alive here (pools do not
	 * override equals, so this is by identity).
	 */
	private final Set<DataSource> beans = Collections.newSetFromMap(new WeakHashMap<>());

	private final Set<DataSource> migrationDataSources = Collections.newSetFromMap(new IdentityHashMap<>());

	DataSourceBinder(CredentialCacheFactory factory, ObjectProvider<CredentialCacheRegistry> registry) {
		this.factory = factory;
		this.registry = registry;
	}

	/**
	 * Bind a DataSource bean, or a pool the application created, before its pool starts.
	 * @param serviceConnection the type of the service connection that supplies its username
	 * and password, if one does
	 * @return the binding, or {@code null} when excluded, left to a service connection, or
	 * already bound
	 * @throws RefreshingDataSourceConfigurationException when it cannot be bound
	 */
	synchronized @Nullable Binding bindDataSource(DataSource dataSource, String name,
			@Nullable String serviceConnection) {
		this.beans.add(dataSource);
		CredentialProperties properties = resolver().resolve(name);
		if (!properties.isEnabled()) {
			logger.debug("DataSource '" + name + "' is excluded from credential refresh");
			return null;
		}
		if (leftToServiceConnection("DataSource", name, serviceConnection)) {
			return null;
		}
		JdbcPool pool = JdbcPools.find(dataSource);
		if (pool == null) {
			throw BindingFailures.unsupported(dataSource, name);
		}
		if (this.pools.containsKey(pool.target())) {
			return null;
		}
		ProviderType type = this.factory.typeOf(name, properties);
		DataSourceDetails details = pool.details(properties.getUsername(), type, name);
		CredentialCache cache = this.factory.create(name, type, properties, details, () -> pool.transport(details));
		AutoCloseable undo;
		try {
			undo = pool.bind(cache, type, this.factory.evictOnRotation(name, type, properties),
					this.factory.rejectionHint(name, type));
		}
		catch (IllegalStateException ex) {
			cache.close();
			throw BindingFailures.cannotBind(name, pool.kind(), pool.advice(), ex);
		}
		Binding binding = start("DataSource '" + name + "'", " (" + pool.kind() + ")", cache, pool.target(), undo,
				type, properties, () -> {
					try (Connection connection = dataSource.getConnection()) {
						// One login is the check.
					}
				});
		this.pools.put(pool.target(), binding);
		return binding;
	}

	/**
	 * Bind a DataSource that is not a bean: the one Flyway or Liquibase builds from
	 * {@code spring.flyway.url/user} or {@code spring.liquibase.url/user}. Its username is,
	 * in this order, the per-name {@code username}, the one the DataSource was built with,
	 * the top-level {@code refreshing.datasource.username}; a username from the provider wins
	 * over all of them.
	 * @return the DataSource to migrate through: the given one when it is a DataSource bean
	 * (bound as such), a HikariCP pool, excluded, or from a service connection; otherwise one
	 * that logs in with the cache's credential
	 */
	synchronized DataSource bindMigrationDataSource(DataSource dataSource, String name,
			@Nullable String serviceConnection) {
		if (this.beans.contains(dataSource) || this.migrationDataSources.contains(dataSource)
				|| JdbcPools.isHikari(dataSource)) {
			return dataSource;
		}
		CredentialProperties properties = resolver().resolve(name);
		if (!properties.isEnabled()) {
			logger.debug("Migration DataSource '" + name + "' is excluded from credential refresh");
			return dataSource;
		}
		if (leftToServiceConnection("Migration DataSource", name, serviceConnection)) {
			return dataSource;
		}
		AbstractDriverBasedDataSource driverBased = (dataSource instanceof AbstractDriverBasedDataSource driver)
				? driver : null;
		String username = resolver().usernameOverride(name);
		if (username == null && driverBased != null) {
			username = driverBased.getUsername();
		}
		if (username == null) {
			username = properties.getUsername();
		}
		ProviderType type = this.factory.typeOf(name, properties);
		String url = (driverBased != null) ? driverBased.getUrl() : null;
		CredentialCache cache = this.factory.create(name, type, properties,
				new DataSourceDetails(url, username, new Properties()),
				() -> (url != null) ? TransportSecurity.judge(url, new Properties()) : PoolTransport.judge(dataSource));
		DataSource bound = UnpooledCredentialBinding.bind(dataSource, cache, this.factory.rejectionHint(name, type));
		start("Migration DataSource '" + name + "'", " (default user " + username + ")", cache, bound, () -> {
		}, type, properties, () -> {
			try (Connection connection = bound.getConnection()) {
				// One login is the check.
			}
		});
		this.migrationDataSources.add(bound);
		return bound;
	}

	/**
	 * Bind a connection factory that is not a DataSource (R2DBC), configured under its name
	 * like a DataSource bean. Fail-fast waits for its first credential; the login is left to
	 * the pool, which Boot builds later.
	 * @param details what the provider may need, given the per-name username override
	 * @param binding binds the cache before it starts; may throw
	 * {@link RefreshingDataSourceConfigurationException}
	 * @return the binding, or {@code null} when the name is excluded
	 */
	synchronized @Nullable Binding bindConnectionFactory(String name,
			Function<@Nullable String, DataSourceDetails> details, CacheBinding binding) {
		CredentialProperties properties = resolver().resolve(name);
		if (!properties.isEnabled()) {
			logger.debug("ConnectionFactory '" + name + "' is excluded from credential refresh");
			return null;
		}
		ProviderType type = this.factory.typeOf(name, properties);
		DataSourceDetails connection = details.apply(properties.getUsername());
		CredentialCache cache = this.factory.create(name, type, properties, connection,
				() -> TransportSecurity.judge(connection.jdbcUrl(), connection.dataSourceProperties()));
		AutoCloseable undo;
		try {
			undo = binding.bind(cache, properties, this.factory.rejectionHint(name, type));
		}
		catch (RuntimeException ex) {
			cache.close();
			throw ex;
		}
		return start("ConnectionFactory '" + name + "'", "", cache, cache, undo, type, properties, null);
	}

	/** Undo a binding: unregister and close its cache, forget its pool. */
	synchronized void unbind(Binding binding) {
		this.pools.values().remove(binding);
		this.migrationDataSources.remove(binding.target());
		binding.close();
	}

	/** Forget a destroyed DataSource bean. */
	synchronized void forget(DataSource dataSource) {
		this.beans.remove(dataSource);
	}

	CredentialPropertiesResolver resolver() {
		return this.factory.resolver();
	}

	/** Binds a cache to a connection factory before the cache starts. */
	@FunctionalInterface
	interface CacheBinding {

		/** @return undoes what the binding registered outside the factory, if anything */
		AutoCloseable bind(CredentialCache cache, CredentialProperties properties, RejectionHint hint);

	}

	private Binding start(String label, String detail, CredentialCache cache, Object target, AutoCloseable undo,
			ProviderType type, CredentialProperties properties, FailFastCheck.@Nullable Login login) {
		CredentialCacheRegistry registry = this.registry.getObject();
		Binding binding = new Binding(label, cache, target, undo, registry);
		try {
			registry.register(cache);
		}
		catch (RuntimeException ex) {
			cache.close();
			throw ex;
		}
		cache.start();
		logger.info(label + " bound to rotating credentials from provider " + type.value() + detail);
		if (properties.isFailFast()) {
			try {
				FailFastCheck.check(cache, login);
			}
			catch (RuntimeException ex) {
				binding.close();
				throw ex;
			}
		}
		return binding;
	}

	/**
	 * Whether a service connection supplies this DataSource's username and password and no
	 * {@code datasources.<name>.*} setting claims it; if so, says so at INFO.
	 */
	private boolean leftToServiceConnection(String kind, String name, @Nullable String serviceConnection) {
		if (serviceConnection == null || resolver().hasOverrides(name)) {
			return false;
		}
		logger.info(BindingFailures.leftToServiceConnection(kind, name, serviceConnection));
		return true;
	}

}
