package io.github.refreshingdatasource.autoconfigure;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.autoconfigure.metrics.RefreshingDataSourceMetricsAutoConfiguration;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.testsupport.PostgresLoginRole;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Caches live and die with their DataSource: a prototype-scoped HikariCP DataSource on the
 * real SCRAM-only PostgreSQL is created, used, destroyed and re-created under the same name;
 * each time one cache is registered, the old one is closed (nothing scheduled), its meters are
 * removed, and queries work. Closing the context closes what is left.
 */
class DataSourceLifecycleIntegrationTests {

	@RegisterExtension
	static final PostgresLoginRole database = new PostgresLoginRole("lifecycle_user");

	private static final String NAME = "tenantDataSource";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RefreshingDataSourceAutoConfiguration.class,
				MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
				CompositeMeterRegistryAutoConfiguration.class, RefreshingDataSourceMetricsAutoConfiguration.class))
		.withUserConfiguration(PrototypeDataSource.class)
		.withBean(CredentialProvider.class, () -> () -> DbCredential.of(database.role(), database.password(), null))
		.withPropertyValues("refreshing.datasource.provider.type=bean", "refreshing.datasource.refresh.jitter=0s",
				"test.jdbc-url=" + database.jdbcUrl());

	@Test
	void destroyingAPrototypeDataSourceClosesAndUnregistersItsCacheAndReCreatingItWorks() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			CredentialCacheRegistry registry = context.getBean(CredentialCacheRegistry.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
			List<CredentialCache> previous = new ArrayList<>();
			for (int round = 0; round < 3; round++) {
				HikariDataSource dataSource = (HikariDataSource) context.getBean(NAME, DataSource.class);
				assertThat(registry.getAll()).hasSize(1);
				CredentialCache cache = registry.get(NAME);
				assertThat(cache).isNotNull().isNotIn(previous);
				assertThat(query(dataSource)).isEqualTo(database.role());
				await().atMost(Duration.ofSeconds(5))
					.until(() -> !meters.find("datasource.credentials.age").tag("datasource", NAME).meters().isEmpty());
				assertThat(cache.snapshot().nextRefreshAt()).as("scheduled while bound").isNotNull();

				// Without a bean name Spring infers no close method: the cache goes, the pool is the caller's.
				beanFactory.destroyBean(dataSource);

				assertThat(registry.getAll()).isEmpty();
				dataSource.close();
				assertThat(meters.find("datasource.credentials.age").tag("datasource", NAME).meters()).isEmpty();
				assertThat(meters.find("datasource.credentials.refresh").tag("datasource", NAME).meters()).isEmpty();
				assertThat(cache.snapshot().nextRefreshAt()).as("closed: nothing scheduled").isNull();
				previous.add(cache);
			}
		});
	}

	@Test
	void closingTheContextClosesEveryCache() {
		List<CredentialCache> caches = new ArrayList<>();
		java.util.Set<Thread> before = java.util.Set.copyOf(Thread.getAllStackTraces().keySet());
		this.runner.run((context) -> {
			context.getBean(NAME, DataSource.class);
			CredentialCacheRegistry registry = context.getBean(CredentialCacheRegistry.class);
			caches.addAll(registry.getAll());
			assertThat(caches).hasSize(1);
			((ConfigurableApplicationContext) context).close();
			assertThat(registry.getAll()).isEmpty();
		});
		assertThat(caches).allSatisfy((cache) -> assertThat(cache.snapshot().nextRefreshAt()).isNull());
		// The engine's shared threads go with the context.
		await().atMost(Duration.ofSeconds(5)).until(() -> Thread.getAllStackTraces().keySet().stream()
			.noneMatch((thread) -> thread.isAlive() && !before.contains(thread)
					&& thread.getName().startsWith("refreshing-datasource")));
	}

	@Test
	void destroyedByNameAndReCreatedUnderTheSameNameBindsAgain() {
		this.runner.run((context) -> {
			CredentialCacheRegistry registry = context.getBean(CredentialCacheRegistry.class);
			HikariDataSource first = (HikariDataSource) context.getBean(NAME, DataSource.class);
			CredentialCache firstCache = registry.get(NAME);
			context.getBeanFactory().destroyBean(NAME, first);
			assertThat(first.isClosed()).as("closed through its inferred close method").isTrue();
			assertThat(registry.unregister(firstCache)).as("already unregistered").isFalse();
			HikariDataSource second = (HikariDataSource) context.getBean(NAME, DataSource.class);
			assertThat(registry.get(NAME)).isNotSameAs(firstCache);
			assertThat(query(second)).isEqualTo(database.role());
			context.getBeanFactory().destroyBean(second);
		});
	}

	private static String query(DataSource dataSource) throws Exception {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("select current_user")) {
			result.next();
			return result.getString(1);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class PrototypeDataSource {

		@Bean(name = NAME)
		@Scope("prototype")
		HikariDataSource tenantDataSource(org.springframework.core.env.Environment environment) {
			HikariDataSource dataSource = new HikariDataSource();
			dataSource.setJdbcUrl(environment.getRequiredProperty("test.jdbc-url"));
			dataSource.setMaximumPoolSize(2);
			return dataSource;
		}

	}

}
