package io.github.refreshingdatasource.autoconfigure.coordination;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import io.github.refreshingdatasource.autoconfigure.CoordinationProperties;
import io.github.refreshingdatasource.autoconfigure.CoordinationType;
import io.github.refreshingdatasource.autoconfigure.RefreshingDataSourceConfigurationException;
import io.github.refreshingdatasource.coordination.FleetCoordinator;
import io.github.refreshingdatasource.coordination.jdbc.JdbcFleetStore;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;
import org.springframework.util.StreamUtils;

/**
 * The {@code jdbc} backend: a named DataSource bean holding the state table and Spring
 * Integration's lock table ({@link DefaultLockRepository}), locks through a
 * {@link JdbcLockRegistry} whose rows expire after the lease.
 */
final class JdbcFleetBackend implements FleetBackend, DisposableBean {

	/** The DDL, with the default prefix (registered as a native-image resource by the starter's runtime hints). */
	static final String SCHEMA = "io/github/refreshingdatasource/coordination/jdbc/schema-postgresql.sql";

	private static final Log logger = LogFactory.getLog(JdbcFleetBackend.class);

	private final BeanFactory beanFactory;

	private final ObjectProvider<CredentialCacheRegistry> caches;

	private final Map<Settings, Backend> backends = new ConcurrentHashMap<>();

	JdbcFleetBackend(BeanFactory beanFactory, ObjectProvider<CredentialCacheRegistry> caches) {
		this.beanFactory = beanFactory;
		this.caches = caches;
	}

	@Override
	public CoordinationType type() {
		return CoordinationType.JDBC;
	}

	@Override
	public FleetCoordinator coordinator(String dataSourceName, CoordinationProperties properties) {
		String stateDataSource = properties.getJdbc().getDataSource();
		if (stateDataSource == null || stateDataSource.isBlank()) {
			throw new RefreshingDataSourceConfigurationException("DataSource '" + dataSourceName
					+ "' coordinates through jdbc, but refreshing.datasource.coordination.jdbc.data-source is not set.",
					"Set refreshing.datasource.coordination.jdbc.data-source to the bean name of a DataSource that does "
							+ "not use the coordinated credential.");
		}
		if (stateDataSource.equals(dataSourceName)) {
			throw new RefreshingDataSourceConfigurationException("DataSource '" + dataSourceName
					+ "' would keep its fleet state in itself: a rejected credential would also block its coordination.",
					"Set refreshing.datasource.datasources." + dataSourceName + ".coordination.type=none, or point "
							+ "coordination.jdbc.data-source at a DataSource with a credential of its own.");
		}
		Settings settings = new Settings(stateDataSource, properties.getJdbc().getTablePrefix(), properties.getLease(),
				properties.getJdbc().isInitializeSchema());
		return this.backends.computeIfAbsent(settings, (unused) -> create(settings, dataSourceName)).coordinator;
	}

	private Backend create(Settings settings, String coordinated) {
		DataSource dataSource;
		try {
			dataSource = this.beanFactory.getBean(settings.dataSource, DataSource.class);
		}
		catch (NoSuchBeanDefinitionException ex) {
			throw new RefreshingDataSourceConfigurationException("DataSource '" + coordinated
					+ "' coordinates through jdbc on DataSource '" + settings.dataSource + "', which is not a bean.",
					"Set refreshing.datasource.coordination.jdbc.data-source to the name of a DataSource bean.");
		}
		CredentialCacheRegistry registry = this.caches.getIfAvailable();
		if (registry != null && registry.get(settings.dataSource) != null) {
			logger.warn("DataSource '" + settings.dataSource + "' holds the fleet state of '" + coordinated
					+ "' and is itself bound to rotating credentials: make sure it does not log in with the coordinated "
					+ "credential, or a rejected credential blocks its own coordination.");
		}
		if (settings.initializeSchema) {
			initializeSchema(dataSource, settings.prefix);
		}
		DefaultLockRepository repository = new DefaultLockRepository(dataSource);
		repository.setPrefix(settings.prefix);
		repository.setTransactionManager(new DataSourceTransactionManager(dataSource));
		repository.afterPropertiesSet();
		repository.afterSingletonsInstantiated();
		JdbcLockRegistry locks = new JdbcLockRegistry(repository, settings.lease);
		return new Backend(new FleetCoordinator(new JdbcFleetStore(dataSource, settings.prefix, settings.dataSource),
				locks, settings.lease), repository);
	}

	/** The PostgreSQL DDL with the configured prefix; {@code IF NOT EXISTS}, so every replica may run it. */
	private static void initializeSchema(DataSource dataSource, String prefix) {
		try {
			String ddl = StreamUtils.copyToString(new ClassPathResource(SCHEMA).getInputStream(),
					StandardCharsets.UTF_8)
				.replace("RDS_", prefix);
			new ResourceDatabasePopulator(new ByteArrayResource(ddl.getBytes(StandardCharsets.UTF_8))).execute(dataSource);
		}
		catch (IOException ex) {
			throw new IllegalStateException("The schema " + SCHEMA + " cannot be read", ex);
		}
	}

	@Override
	public void destroy() {
		for (Backend backend : this.backends.values()) {
			try {
				backend.repository.close();
			}
			catch (RuntimeException ex) {
				// The database may be gone first at shutdown; the locks expire after their lease.
			}
		}
	}

	private record Settings(String dataSource, String prefix, Duration lease, boolean initializeSchema) {
	}

	private record Backend(FleetCoordinator coordinator, DefaultLockRepository repository) {
	}

}
