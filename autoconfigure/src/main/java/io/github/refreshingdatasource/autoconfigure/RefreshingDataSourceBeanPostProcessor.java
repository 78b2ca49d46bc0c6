package io.github.refreshingdatasource.autoconfigure;

import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.autoconfigure.provider.CredentialProviderFactory;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.jdbc.RejectionHint;
import io.github.refreshingdatasource.credentials.CredentialCacheListener;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.github.refreshingdatasource.credentials.CredentialFetchInterceptor;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.RefreshSettings;
import io.github.refreshingdatasource.jdbc.HikariCredentialBinding;
import io.github.refreshingdatasource.jdbc.UnpooledCredentialBinding;
import io.github.refreshingdatasource.jdbc.PoolTransport;
import io.github.refreshingdatasource.jdbc.TransportSecurity;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.datasource.AbstractDriverBasedDataSource;

/**
 * Binds every {@link DataSource} bean to a {@link CredentialCache}, once it is fully
 * configured (after Spring Boot's own connection-details post-processing) and before its
 * pool starts. DataSources behind proxies are reached through
 * {@link DataSource#unwrap(Class)}; a DataSource that is not HikariCP fails startup unless
 * it is excluded. The {@code dataSource} bean is left alone when a service connection
 * (Docker Compose, Testcontainers) supplies its username and password, unless a per-bean
 * setting names it.
 */
final class RefreshingDataSourceBeanPostProcessor implements BeanPostProcessor, BeanFactoryAware, Ordered {

	private static final Log logger = LogFactory.getLog(RefreshingDataSourceBeanPostProcessor.class);

	private final Environment environment;

	private final ObjectProvider<CredentialCacheRegistry> registry;

	private final ObjectProvider<CredentialProviderFactory<?>> factories;

	private final ObjectProvider<CredentialCacheListener> listeners;

	private final ObjectProvider<CredentialFetchInterceptor> fetchInterceptors;

	private final Set<HikariDataSource> bound = Collections.newSetFromMap(new IdentityHashMap<>());

	private final Set<Object> boundPools = Collections.newSetFromMap(new IdentityHashMap<>());

	/** Every DataSource bean seen, bound or not: a migration tool that uses one is left to it. */
	private final Set<DataSource> beans = Collections.newSetFromMap(new IdentityHashMap<>());

	private final Set<DataSource> migrationDataSources = Collections.newSetFromMap(new IdentityHashMap<>());

	private @Nullable CredentialPropertiesResolver resolver;

	private @Nullable CredentialProviders providers;

	private @Nullable ListableBeanFactory beanFactory;

	RefreshingDataSourceBeanPostProcessor(Environment environment, ObjectProvider<CredentialCacheRegistry> registry,
			ObjectProvider<CredentialProviderFactory<?>> factories, ObjectProvider<CredentialCacheListener> listeners,
			ObjectProvider<CredentialFetchInterceptor> fetchInterceptors) {
		this.environment = environment;
		this.registry = registry;
		this.factories = factories;
		this.listeners = listeners;
		this.fetchInterceptors = fetchInterceptors;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (beanFactory instanceof ListableBeanFactory listable) ? listable : null;
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof DataSource dataSource) {
			bind(dataSource, beanName);
		}
		return bean;
	}

	private synchronized void bind(DataSource dataSource, String beanName) {
		this.beans.add(dataSource);
		CredentialProperties properties = resolver().resolve(beanName);
		if (!properties.isEnabled()) {
			logger.debug("DataSource '" + beanName + "' is excluded from credential refresh");
			return;
		}
		String serviceConnection = (this.beanFactory != null)
				? ServiceConnections.credentialsSupplier(this.beanFactory, beanName) : null;
		if (leftToServiceConnection("DataSource", beanName, serviceConnection)) {
			return;
		}
		if (!isHikari(dataSource)) {
			bindPool(dataSource, beanName, properties);
			return;
		}
		HikariDataSource hikari = unwrapHikari(dataSource, beanName);
		if (!this.bound.add(hikari)) {
			return;
		}
		ProviderType type = providers().typeOf(beanName, properties);
		String defaultUsername = (properties.getUsername() != null) ? properties.getUsername() : hikari.getUsername();
		boolean sqlServerAccessToken = type == ProviderType.AZURE && SqlServerAccessToken.applies(hikari, beanName);
		if (sqlServerAccessToken && defaultUsername == null) {
			// The token names the principal; SQL Server takes no username next to it.
			defaultUsername = SqlServerAccessToken.NO_USERNAME;
		}
		CredentialCache cache = createCache(beanName, type, properties,
				new DataSourceDetails(hikari.getJdbcUrl(), defaultUsername, hikari.getDataSourceProperties()),
				() -> PoolTransport.judge(hikari));
		try {
			if (sqlServerAccessToken) {
				SqlServerAccessToken.use(hikari, cache);
			}
			OnRotation onRotation = (properties.getOnRotation() != null) ? properties.getOnRotation()
					: providers().defaultOnRotation(beanName, type);
			HikariCredentialBinding.bind(hikari, cache, onRotation == OnRotation.EVICT,
					providers().rejectionHint(beanName, type));
		}
		catch (IllegalStateException ex) {
			cache.close();
			throw new RefreshingDataSourceConfigurationException(
					"DataSource '" + beanName + "' (" + hikari.getPoolName() + ") could not be bound to rotating "
							+ "credentials: " + ex.getMessage() + ".",
					"Let Spring Boot build the pool, or build it with DataSourceBuilder or new HikariDataSource() "
							+ "(not new HikariDataSource(HikariConfig), which starts it at once), or set "
							+ CredentialPropertiesResolver.prefixOf(beanName) + ".enabled=false to leave it alone.",
					ex);
		}
		this.registry.getObject().register(cache);
		cache.start();
		logger.info("DataSource '" + beanName + "' bound to rotating credentials from provider " + type.value());
	}

	/** Bind a Tomcat JDBC, DBCP2 or UCP pool, or fail startup for any other DataSource. */
	private void bindPool(DataSource dataSource, String beanName, CredentialProperties properties) {
		JdbcPools.Pool pool = JdbcPools.find(dataSource);
		if (pool == null) {
			throw unsupported(dataSource, beanName);
		}
		if (!this.boundPools.add(pool.target())) {
			return;
		}
		ProviderType type = providers().typeOf(beanName, properties);
		DataSourceDetails details = pool.details(properties.getUsername());
		CredentialCache cache = createCache(beanName, type, properties, details,
				() -> TransportSecurity.judge(details.jdbcUrl(), details.dataSourceProperties()));
		try {
			pool.bind(cache, properties.getOnRotation() == OnRotation.EVICT, providers().rejectionHint(beanName, type));
		}
		catch (IllegalStateException ex) {
			cache.close();
			throw new RefreshingDataSourceConfigurationException("DataSource '" + beanName + "' (" + pool.kind()
					+ ") could not be bound to rotating credentials: " + ex.getMessage() + ".",
					"Let Spring Boot build the pool, or bind it before its first connection, or set "
							+ CredentialPropertiesResolver.prefixOf(beanName) + ".enabled=false to leave it alone.",
					ex);
		}
		this.registry.getObject().register(cache);
		cache.start();
		logger.info("DataSource '" + beanName + "' (" + pool.kind() + ") bound to rotating credentials from provider "
				+ type.value());
	}

	/**
	 * A started, registered cache for a connection factory that is not a DataSource bean
	 * (R2DBC), configured under its name like a DataSource bean.
	 * @param name the name of the cache and its settings
	 * @param details what the provider may need, given the per-name username override
	 * @param binding binds the cache before it starts; may throw
	 * {@link RefreshingDataSourceConfigurationException}
	 * @return the cache, or {@code null} when the name is excluded
	 */
	synchronized @Nullable CredentialCache bindConnectionFactory(String name,
			java.util.function.Function<@Nullable String, DataSourceDetails> details, CacheBinding binding) {
		CredentialProperties properties = resolver().resolve(name);
		if (!properties.isEnabled()) {
			logger.debug("ConnectionFactory '" + name + "' is excluded from credential refresh");
			return null;
		}
		ProviderType type = providers().typeOf(name, properties);
		DataSourceDetails connection = details.apply(properties.getUsername());
		CredentialCache cache = createCache(name, type, properties, connection,
				() -> TransportSecurity.judge(connection.jdbcUrl(), connection.dataSourceProperties()));
		try {
			binding.bind(cache, properties, providers().rejectionHint(name, type));
		}
		catch (RuntimeException ex) {
			cache.close();
			throw ex;
		}
		this.registry.getObject().register(cache);
		cache.start();
		logger.info("ConnectionFactory '" + name + "' bound to rotating credentials from provider " + type.value());
		return cache;
	}

	@FunctionalInterface
	interface CacheBinding {

		void bind(CredentialCache cache, CredentialProperties properties, RejectionHint hint);

	}

	/** The first interceptor (highest precedence) wraps the second, which wraps the call. */
	private static CredentialFetchInterceptor nest(CredentialFetchInterceptor outer, CredentialFetchInterceptor inner) {
		return (cache, cause, provider) -> outer.intercept(cache, cause,
				() -> inner.intercept(cache, cause, provider));
	}

	/**
	 * Bind a DataSource that is not a bean: the one Flyway or Liquibase builds from
	 * {@code spring.flyway.url/user} or {@code spring.liquibase.url/user} for migrations. It
	 * gets its own cache, registered and configured under the given name
	 * ({@code refreshing.datasource.datasources.<name>.*}). Its username is, in this order,
	 * the per-name {@code username}, the one the DataSource was built with (
	 * {@code spring.flyway.user}), the top-level {@code refreshing.datasource.username}; a
	 * username from the provider wins over all of them.
	 * @param dataSource the DataSource the migration tool was configured with
	 * @param name the name of its cache and settings, e.g. {@code flyway}
	 * @param serviceConnection the type of the service connection that supplied its
	 * username and password, if one did
	 * @return the DataSource to migrate through: the given one when it is a DataSource bean
	 * (bound as such), a pool, excluded, or from a service connection; otherwise one that logs
	 * in with the cache's credential
	 */
	synchronized DataSource bindMigrationDataSource(DataSource dataSource, String name,
			@Nullable String serviceConnection) {
		if (this.beans.contains(dataSource) || this.migrationDataSources.contains(dataSource)
				|| isHikari(dataSource)) {
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
		String username = resolver().usernameOverride(name);
		if (username == null && dataSource instanceof AbstractDriverBasedDataSource driverBased) {
			username = driverBased.getUsername();
		}
		if (username == null) {
			username = properties.getUsername();
		}
		ProviderType type = providers().typeOf(name, properties);
		String url = (dataSource instanceof AbstractDriverBasedDataSource driverBased) ? driverBased.getUrl() : null;
		CredentialCache cache = createCache(name, type, properties, new DataSourceDetails(url, username, new Properties()),
				() -> (url != null) ? TransportSecurity.judge(url, new Properties()) : PoolTransport.judge(dataSource));
		DataSource bound = UnpooledCredentialBinding.bind(dataSource, cache, providers().rejectionHint(name, type));
		this.migrationDataSources.add(bound);
		this.registry.getObject().register(cache);
		cache.start();
		logger.info("Migration DataSource '" + name + "' bound to rotating credentials from provider " + type.value()
				+ " (default user " + username + ")");
		return bound;
	}

	/**
	 * Whether a service connection supplies this DataSource's username and password and no
	 * {@code datasources.<name>.*} setting claims it; if so, says so at INFO.
	 */
	private boolean leftToServiceConnection(String kind, String name, @Nullable String serviceConnection) {
		if (serviceConnection == null || resolver().hasOverrides(name)) {
			return false;
		}
		logger.info(kind + " '" + name + "' logs in with the username and password of a service connection ("
				+ serviceConnection + "); rotating credentials leave it alone. Set "
				+ CredentialPropertiesResolver.prefixOf(name) + ".enabled=true to bind it anyway.");
		return true;
	}

	private CredentialCache createCache(String name, ProviderType type, CredentialProperties properties,
			DataSourceDetails details, Supplier<TransportSecurity.Verdict> transport) {
		RefreshSettings settings = new RefreshPropertiesCheck(resolver()).settings(name, properties);
		// A missing SDK is the first thing to fix: report it before the transport.
		providers().requireAvailable(name, type);
		if (!properties.isAllowInsecureTransport() && providers().bearerToken(name, type)) {
			requireTls(transport.get(), name, type);
		}
		CredentialProvider provider = providers().create(name, type, properties, details);
		CredentialCache cache = new CredentialCache(name, type.value(), provider, details.username(),
				providers().refreshSettings(name, type, settings));
		// A provider that reacts to rejected logins (a Vault lease revoked early) is told of them.
		if (provider instanceof CredentialCacheListener providerListener) {
			cache.addListener(providerListener);
		}
		this.listeners.orderedStream().forEach(cache::addListener);
		this.fetchInterceptors.orderedStream().reduce(RefreshingDataSourceBeanPostProcessor::nest)
			.ifPresent(cache::setFetchInterceptor);
		return cache;
	}

	private static boolean isHikari(DataSource dataSource) {
		try {
			return dataSource.isWrapperFor(HikariDataSource.class);
		}
		catch (SQLException ex) {
			return false;
		}
	}

	/**
	 * The TLS rule for bearer tokens: no TLS, or a connection that cannot be judged, fails
	 * startup; TLS that does not verify the server is warned about once.
	 */
	private static void requireTls(TransportSecurity.Verdict verdict, String name, ProviderType type) {
		String allow = "refreshing.datasource.allow-insecure-transport=true (or "
				+ CredentialPropertiesResolver.prefixOf(name) + ".allow-insecure-transport=true)";
		String token = "DataSource '" + name + "' uses the " + type.value() + " provider, whose token is sent to the "
				+ "database as the password";
		switch (verdict.level()) {
			case VERIFIED -> {
			}
			case UNVERIFIED -> logger.warn(token + ", over TLS that does not verify the server: " + verdict.reason()
					+ ". An active man in the middle can take the token; set " + verdict.recommendation() + ".");
			case INSECURE -> throw new RefreshingDataSourceConfigurationException(
					token + ", but its connection does not require TLS: " + verdict.reason() + ".",
					"Require TLS that verifies the server: " + verdict.recommendation() + " (PostgreSQL "
							+ "sslmode=verify-full, MySQL sslMode=VERIFY_IDENTITY, MariaDB sslMode=verify-full, SQL "
							+ "Server encrypt=strict or encrypt=true with certificate validation), or, for a database "
							+ "on the same host only, set " + allow + ".");
			case UNKNOWN -> throw new RefreshingDataSourceConfigurationException(
					token + ", and whether its connection uses TLS cannot be judged: " + verdict.reason() + ".",
					"Configure the pool with a jdbcUrl of PostgreSQL, MySQL, MariaDB or SQL Server that requires TLS "
							+ "verifying the server, or, once you have made sure the connection is protected, set "
							+ allow + ".");
		}
	}

	private HikariDataSource unwrapHikari(DataSource dataSource, String beanName) {
		try {
			if (dataSource.isWrapperFor(HikariDataSource.class)) {
				return dataSource.unwrap(HikariDataSource.class);
			}
		}
		catch (SQLException ex) {
			// Not a wrapper of a HikariCP pool; reported below.
		}
		throw unsupported(dataSource, beanName);
	}

	private static RefreshingDataSourceConfigurationException unsupported(DataSource dataSource, String beanName) {
		return new RefreshingDataSourceConfigurationException(
				"DataSource '" + beanName + "' of type " + dataSource.getClass().getName()
						+ " cannot be bound to rotating credentials: only " + JdbcPools.SUPPORTED + " are supported.",
				"Use one of these pools for this DataSource (spring.datasource.type), or set "
						+ CredentialPropertiesResolver.prefixOf(beanName) + ".enabled=false to leave it alone.");
	}

	private CredentialProviders providers() {
		if (this.providers == null) {
			this.providers = new CredentialProviders(resolver(), this.factories);
		}
		return this.providers;
	}

	private CredentialPropertiesResolver resolver() {
		if (this.resolver == null) {
			this.resolver = new CredentialPropertiesResolver(this.environment);
		}
		return this.resolver;
	}

}
