package io.github.refreshingdatasource.autoconfigure;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.autoconfigure.CredentialBinder.CredentialBinding;
import io.github.refreshingdatasource.autoconfigure.metrics.RefreshingDataSourceMetricsAutoConfiguration;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.testsupport.PostgresLoginRole;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.tomcat.jdbc.pool.PoolProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * {@link CredentialBinder}: pools a multi-tenant application creates and closes at runtime
 * are bound with a bean's settings, listed while bound, and leave nothing behind — against
 * the real SCRAM-only PostgreSQL.
 */
class RuntimeCredentialBinderIntegrationTests {

	@RegisterExtension
	static final PostgresLoginRole database = new PostgresLoginRole("tenant_user");

	private static final int TENANTS = 50;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RefreshingDataSourceAutoConfiguration.class,
				MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, RefreshingDataSourceMetricsAutoConfiguration.class))
		.withBean(CredentialProvider.class, () -> () -> DbCredential.of(database.role(), database.password(), null))
		.withPropertyValues("refreshing.datasource.provider.type=bean", "refreshing.datasource.refresh.jitter=0s");

	/** Engine threads started since {@code before}, by any cache in this JVM. */
	private static long engineThreadsSince(java.util.Set<Thread> before) {
		return Thread.getAllStackTraces().keySet().stream()
			.filter((thread) -> thread.isAlive() && !before.contains(thread)
					&& thread.getName().startsWith("refreshing-datasource"))
			.count();
	}

	private static long threadsOutsideTheEngine() {
		return Thread.getAllStackTraces().keySet().stream()
			.filter((thread) -> thread.isAlive() && !thread.getName().startsWith("refreshing-datasource"))
			.count();
	}

	@Test
	void fiftyTenantPoolsCreatedAndClosedLeaveNoCacheNoMeterAndNoThread() {
		this.runner.run((context) -> {
			CredentialBinder binder = context.getBean(CredentialBinder.class);
			CredentialCacheRegistry registry = context.getBean(CredentialCacheRegistry.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			// One tenant first, so the driver's and the JVM's one-off threads exist before counting.
			HikariDataSource warmUpPool = tenantPool();
			try (CredentialBinding warmUp = binder.bind("warmUp", warmUpPool)) {
				assertThat(currentUser(warmUpPool)).isEqualTo(database.role());
			}
			long baseline = threadsOutsideTheEngine();
			java.util.Set<Thread> before = java.util.Set.copyOf(Thread.getAllStackTraces().keySet());
			for (int round = 0; round < 2; round++) {
				List<CredentialBinding> bindings = new ArrayList<>();
				List<HikariDataSource> pools = new ArrayList<>();
				for (int i = 0; i < TENANTS; i++) {
					HikariDataSource pool = tenantPool();
					pools.add(pool);
					bindings.add(binder.bind("tenant" + i, pool));
				}
				assertThat(registry.getAll()).hasSize(TENANTS);
				for (HikariDataSource pool : pools) {
					assertThat(currentUser(pool)).isEqualTo(database.role());
				}
				await().atMost(Duration.ofSeconds(5))
					.until(() -> meters.find("datasource.credentials.age").meters().size() == TENANTS);
				bindings.forEach(CredentialBinding::close);
				assertThat(registry.getAll()).isEmpty();
				assertThat(pools).allMatch(HikariDataSource::isClosed);
				assertThat(meters.find("datasource.credentials.age").meters()).isEmpty();
				// Pools and their housekeepers are gone; the engine's shared threads are bounded
				// by its pool sizes whatever the number of tenants (idle ones time out later).
				await().atMost(Duration.ofSeconds(10)).until(() -> threadsOutsideTheEngine() <= baseline + 2);
				assertThat(engineThreadsSince(before)).isLessThanOrEqualTo(1 + 4 + 8);
			}
		});
	}

	@Test
	void perNameSettingsApplyAndAnExcludedTenantIsLeftAlone() {
		this.runner.withPropertyValues("refreshing.datasource.datasources.legacy.enabled=false").run((context) -> {
			CredentialBinder binder = context.getBean(CredentialBinder.class);
			HikariDataSource pool = tenantPool();
			try (CredentialBinding binding = binder.bind("legacy", pool)) {
				assertThat(binding.isBound()).isFalse();
				assertThat(context.getBean(CredentialCacheRegistry.class).getAll()).isEmpty();
			}
			assertThat(pool.isClosed()).isTrue();
		});
	}

	@Test
	void aPoolIsBoundOnceAndANameOnce() {
		this.runner.run((context) -> {
			CredentialBinder binder = context.getBean(CredentialBinder.class);
			HikariDataSource pool = tenantPool();
			try (CredentialBinding binding = binder.bind("tenant", pool)) {
				assertThatIllegalStateException().isThrownBy(() -> binder.bind("again", pool));
				HikariDataSource other = tenantPool();
				assertThatIllegalStateException().isThrownBy(() -> binder.bind("tenant", other))
					.withMessageContaining("already registered");
				other.close();
			}
		});
	}

	@Test
	void withoutHikariOnTheClasspathAnotherPoolIsBound() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataSourceAutoConfiguration.class, RefreshingDataSourceAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader(HikariDataSource.class))
			.withBean(CredentialProvider.class, () -> () -> DbCredential.of(database.role(), database.password(), null))
			.withPropertyValues("refreshing.datasource.provider.type=bean", "spring.datasource.url=" + database.jdbcUrl(),
					"spring.datasource.type=org.apache.tomcat.jdbc.pool.DataSource")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(CredentialBinder.class);
				assertThat(context.getBean(DataSource.class)).isInstanceOf(org.apache.tomcat.jdbc.pool.DataSource.class);
				assertThat(context.getBean(CredentialCacheRegistry.class).get("dataSource")).isNotNull();
				assertThat(currentUser(context.getBean(DataSource.class))).isEqualTo(database.role());
				// A Tomcat pool created at runtime binds the same way.
				PoolProperties properties = new PoolProperties();
				properties.setUrl(database.jdbcUrl());
				org.apache.tomcat.jdbc.pool.DataSource tenant = new org.apache.tomcat.jdbc.pool.DataSource(properties);
				try (CredentialBinding binding = context.getBean(CredentialBinder.class).bind("tomcatTenant", tenant)) {
					assertThat(currentUser(tenant)).isEqualTo(database.role());
				}
				assertThat(context.getBean(CredentialCacheRegistry.class).get("tomcatTenant")).isNull();
			});
	}

	private static HikariDataSource tenantPool() {
		HikariDataSource pool = new HikariDataSource();
		pool.setJdbcUrl(database.jdbcUrl());
		pool.setMaximumPoolSize(1);
		return pool;
	}

	private static String currentUser(DataSource dataSource) throws Exception {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("select current_user")) {
			result.next();
			return result.getString(1);
		}
	}

}
