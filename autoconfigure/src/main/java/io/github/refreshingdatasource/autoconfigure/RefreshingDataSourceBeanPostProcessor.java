package io.github.refreshingdatasource.autoconfigure;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheListener;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.jdbc.HikariCredentialBinding;
import io.github.refreshingdatasource.jdbc.TransportSecurity;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Binds every {@link DataSource} bean to a {@link CredentialCache}, once it is fully
 * configured (after Spring Boot's own connection-details post-processing) and before its
 * pool starts. DataSources behind proxies are reached through
 * {@link DataSource#unwrap(Class)}; a DataSource that is not HikariCP fails startup unless
 * it is excluded.
 */
final class RefreshingDataSourceBeanPostProcessor implements BeanPostProcessor, Ordered {

	private static final Log logger = LogFactory.getLog(RefreshingDataSourceBeanPostProcessor.class);

	private final Environment environment;

	private final ObjectProvider<CredentialCacheRegistry> registry;

	private final ObjectProvider<CredentialProviderFactory> factories;

	private final ObjectProvider<CredentialCacheListener> listeners;

	private final Set<HikariDataSource> bound = Collections.newSetFromMap(new IdentityHashMap<>());

	private @Nullable CredentialPropertiesResolver resolver;

	RefreshingDataSourceBeanPostProcessor(Environment environment, ObjectProvider<CredentialCacheRegistry> registry,
			ObjectProvider<CredentialProviderFactory> factories, ObjectProvider<CredentialCacheListener> listeners) {
		this.environment = environment;
		this.registry = registry;
		this.factories = factories;
		this.listeners = listeners;
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
		CredentialProperties properties = resolver().resolve(beanName);
		if (!properties.isEnabled()) {
			logger.debug("DataSource '" + beanName + "' is excluded from credential refresh");
			return;
		}
		HikariDataSource hikari = unwrapHikari(dataSource, beanName);
		if (!this.bound.add(hikari)) {
			return;
		}
		ProviderType type = properties.getProvider().getType();
		if (type == null) {
			type = ProviderType.BEAN;
		}
		CredentialProviderFactory factory = factory(type, beanName);
		if (type.bearerToken() && !properties.isAllowInsecureTransport()) {
			requireTls(hikari, beanName, type);
		}
		String defaultUsername = (properties.getUsername() != null) ? properties.getUsername() : hikari.getUsername();
		boolean sqlServerAccessToken = type == ProviderType.AZURE && SqlServerAccessToken.applies(hikari, beanName);
		if (sqlServerAccessToken && defaultUsername == null) {
			// The token names the principal; SQL Server takes no username next to it.
			defaultUsername = SqlServerAccessToken.NO_USERNAME;
		}
		DataSourceDetails details = new DataSourceDetails(hikari.getJdbcUrl(), defaultUsername,
				hikari.getDataSourceProperties());
		CredentialProvider provider = factory.create(beanName, properties, details);
		CredentialCache cache = new CredentialCache(beanName, type.value(), provider, defaultUsername,
				properties.getRefresh().toSettings());
		this.listeners.orderedStream().forEach(cache::addListener);
		try {
			if (sqlServerAccessToken) {
				SqlServerAccessToken.use(hikari, cache);
			}
			HikariCredentialBinding.bind(hikari, cache, properties.getOnRotation() == OnRotation.EVICT);
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

	private static void requireTls(HikariDataSource hikari, String beanName, ProviderType type) {
		String reason = TransportSecurity.insecureReason(hikari.getJdbcUrl(), hikari.getDataSourceProperties());
		if (reason != null) {
			throw new RefreshingDataSourceConfigurationException("DataSource '" + beanName + "' uses the " + type.value()
					+ " provider, whose token is sent to the database as the password, but its connection does not "
					+ "require TLS: " + reason + ".",
					"Require TLS in the JDBC URL (PostgreSQL sslmode=verify-full or require, MySQL sslMode=VERIFY_IDENTITY "
							+ "or REQUIRED, SQL Server encrypt=true), or, for a database on the same host only, set "
							+ "refreshing.datasource.allow-insecure-transport=true (or "
							+ CredentialPropertiesResolver.prefixOf(beanName) + ".allow-insecure-transport=true).");
		}
	}

	private CredentialProviderFactory factory(ProviderType type, String beanName) {
		return this.factories.stream()
			.filter((candidate) -> candidate.type() == type)
			.findFirst()
			.orElseThrow(() -> missingFactory(type, beanName));
	}

	private RefreshingDataSourceConfigurationException missingFactory(ProviderType type, String beanName) {
		if (type.requiredDependency() != null) {
			return new RefreshingDataSourceConfigurationException("DataSource '" + beanName + "' uses credential provider '"
					+ type.value() + "', but " + type.requiredDependency() + " is not on the classpath.",
					"Add the dependency " + type.requiredDependency() + " to your build, or choose another "
							+ "refreshing.datasource.provider.type.");
		}
		return new RefreshingDataSourceConfigurationException(
				"DataSource '" + beanName + "' uses credential provider '" + type.value() + "', which is not available.",
				"Set refreshing.datasource.provider.type (or " + CredentialPropertiesResolver.prefixOf(beanName)
						+ ".provider.type) to one of " + validTypes() + ".");
	}

	private static String validTypes() {
		return Arrays.stream(ProviderType.values())
			.map(ProviderType::value)
			.collect(Collectors.joining(", "));
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
		throw new RefreshingDataSourceConfigurationException(
				"DataSource '" + beanName + "' of type " + dataSource.getClass().getName()
						+ " cannot be bound to rotating credentials: only HikariCP pools (com.zaxxer.hikari.HikariDataSource) "
						+ "are supported.",
				"Use HikariCP for this DataSource (spring.datasource.type=com.zaxxer.hikari.HikariDataSource), or set "
						+ CredentialPropertiesResolver.prefixOf(beanName) + ".enabled=false to leave it alone.");
	}

	private CredentialPropertiesResolver resolver() {
		if (this.resolver == null) {
			this.resolver = new CredentialPropertiesResolver(this.environment);
		}
		return this.resolver;
	}

}
