package io.github.refreshingdatasource.autoconfigure.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.autoconfigure.RefreshingDataSourceAutoConfiguration;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.testsupport.ScriptedCredentialProvider;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RefreshingDataSourceMetricsAutoConfiguration}. The pools never start (the
 * JDBC URL points nowhere); the meters follow the caches, which fetch on their own.
 */
class RefreshingDataSourceMetricsAutoConfigurationTests {

	private final ScriptedCredentialProvider provider = new ScriptedCredentialProvider("app_user", "metrics-secret-1",
			null);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				RefreshingDataSourceAutoConfiguration.class, MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
				RefreshingDataSourceMetricsAutoConfiguration.class))
		.withBean(CredentialProvider.class, () -> this.provider)
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://localhost:1/none",
				"refreshing.datasource.provider.type=bean", "refreshing.datasource.refresh.jitter=0s");

	@Test
	void everyMeterIsRegisteredWithBoundedTagsAndTheStartupRefreshIsCounted() {
		this.runner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> refreshes(registry, "dataSource", "startup", "success").count() == 1);
			assertThat(registry.find(CredentialCacheMeterBinder.REFRESH).tag("datasource", "dataSource").meters())
				.as("one timer per cause and outcome")
				// Issue 11: six causes (source-changed added), three outcomes (unchanged added).
				.hasSize(18)
				.allSatisfy((meter) -> assertThat(meter.getId().getTags()).extracting((tag) -> tag.getKey())
					.containsExactlyInAnyOrder("datasource", "provider", "cause", "outcome"));
			assertThat(refreshes(registry, "dataSource", "startup", "failure").count()).isZero();
			assertThat(refreshes(registry, "dataSource", "startup", "success").totalTime(java.util.concurrent.TimeUnit.NANOSECONDS))
				.isPositive();
			assertThat(registry.get(CredentialCacheMeterBinder.EXPIRY).tag("provider", "bean").gauge().value())
				.as("credential without expiry")
				.isNaN();
			assertThat(registry.get(CredentialCacheMeterBinder.AGE).gauge().value()).isBetween(0.0, 5.0);
			assertThat(registry.get(CredentialCacheMeterBinder.AUTH_FAILURES).functionCounter().count()).isZero();
			assertThat(registry.get(CredentialCacheMeterBinder.FETCH_RETRIES).functionCounter().count()).isZero();
			for (Meter meter : registry.getMeters()) {
				if (meter.getId().getName().startsWith("datasource.credentials")) {
					assertThat(meter.getId().toString()).doesNotContain("app_user").doesNotContain("metrics-secret-1");
				}
			}
		});
	}

	@Test
	void expiryGaugeCountsDownToTheStatedExpiry() {
		this.provider.serve("app_user", "metrics-secret-2", Instant.now().plus(Duration.ofHours(2)));
		this.runner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			await().atMost(Duration.ofSeconds(5)).until(() -> cache(context).snapshot().hasCredential());
			assertThat(registry.get(CredentialCacheMeterBinder.EXPIRY).gauge().value()).isCloseTo(7200.0, within(10.0));
		});
	}

	@Test
	void failedRefreshesAndRetriesAreCounted() {
		this.provider.fail("token service unavailable");
		this.runner
			.withPropertyValues("refreshing.datasource.refresh.retry.max-attempts=3",
					"refreshing.datasource.refresh.retry.initial-interval=10ms",
					"refreshing.datasource.refresh.retry.max-interval=30s")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				await().atMost(Duration.ofSeconds(5))
					.until(() -> refreshes(registry, "dataSource", "startup", "failure").count() == 1);
				assertThat(this.provider.calls()).isEqualTo(3);
				assertThat(registry.get(CredentialCacheMeterBinder.FETCH_RETRIES).functionCounter().count())
					.isEqualTo(2.0);
				assertThat(refreshes(registry, "dataSource", "startup", "success").count()).isZero();
				assertThat(registry.get(CredentialCacheMeterBinder.AGE).gauge().value()).isNaN();
				assertThat(registry.get(CredentialCacheMeterBinder.EXPIRY).gauge().value()).isNaN();
			});
	}

	@Test
	void rejectedCredentialCountsAnAuthFailureAndARejectedRefresh() {
		this.runner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			CredentialCache cache = cache(context);
			await().atMost(Duration.ofSeconds(5)).until(() -> cache.snapshot().valid());
			this.provider.serve("app_user", "metrics-secret-3", null);
			cache.invalidate(DbCredential.of("app_user", "metrics-secret-1", null));
			await().atMost(Duration.ofSeconds(5))
				.until(() -> refreshes(registry, "dataSource", "rejected", "success").count() == 1);
			assertThat(registry.get(CredentialCacheMeterBinder.AUTH_FAILURES).functionCounter().count()).isEqualTo(1.0);
		});
	}

	@Test
	void refreshReturningTheServedCredentialIsCountedAsUnchanged() throws Exception {
		this.runner.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			CredentialCache cache = cache(context);
			await().atMost(Duration.ofSeconds(5))
				.until(() -> refreshes(registry, "dataSource", "startup", "success").count() == 1
						&& !cache.snapshot().refreshing());
			cache.refresh().get(5, TimeUnit.SECONDS);
			assertThat(refreshes(registry, "dataSource", "manual", "unchanged").count()).isEqualTo(1);
			assertThat(refreshes(registry, "dataSource", "manual", "success").count()).isZero();
			assertThat(refreshes(registry, "dataSource", "startup", "unchanged").count()).isZero();
		});
	}

	@Test
	void dataSourceCreatedAfterBindingGetsItsMeters() {
		this.runner.withUserConfiguration(LateDataSource.class).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.find(CredentialCacheMeterBinder.EXPIRY).tag("datasource", "lateDataSource").gauge())
				.isNull();
			context.getBean("lateDataSource", DataSource.class);
			assertThat(context.getBean(CredentialCacheRegistry.class).get("lateDataSource")).isNotNull();
			assertThat(registry.find(CredentialCacheMeterBinder.EXPIRY).tag("datasource", "lateDataSource").gauge())
				.isNotNull();
			await().atMost(Duration.ofSeconds(5))
				.until(() -> refreshes(registry, "lateDataSource", "startup", "success").count() == 1);
		});
	}

	@Test
	void backsOffWithoutMicrometerAndTheCoreStillWorks() {
		this.runner.withClassLoader(new FilteredClassLoader("io.micrometer.core")).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(CredentialCacheMeterBinder.class);
			assertThat(context).doesNotHaveBean(CredentialCacheStatistics.class);
			assertThat(hikari(context).getCredentialsProvider().getCredentials().getPassword())
				.isEqualTo("metrics-secret-1");
		});
	}

	@Test
	void backsOffWithoutAMeterRegistry() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					RefreshingDataSourceAutoConfiguration.class, RefreshingDataSourceMetricsAutoConfiguration.class))
			.withBean(CredentialProvider.class, () -> this.provider)
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://localhost:1/none",
					"refreshing.datasource.provider.type=bean")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(CredentialCacheMeterBinder.class);
				assertThat(context).hasSingleBean(CredentialCacheRegistry.class);
			});
	}

	private static FunctionTimer refreshes(MeterRegistry registry, String dataSource, String cause, String outcome) {
		return registry.get(CredentialCacheMeterBinder.REFRESH)
			.tag("datasource", dataSource)
			.tag("provider", "bean")
			.tag("cause", cause)
			.tag("outcome", outcome)
			.functionTimer();
	}

	private static CredentialCache cache(AssertableApplicationContext context) {
		CredentialCache cache = context.getBean(CredentialCacheRegistry.class).get("dataSource");
		assertThat(cache).isNotNull();
		return cache;
	}

	private static HikariDataSource hikari(AssertableApplicationContext context) throws Exception {
		return context.getBean("dataSource", DataSource.class).unwrap(HikariDataSource.class);
	}

	@Configuration(proxyBeanMethods = false)
	static class LateDataSource {

		@Bean
		HikariDataSource dataSource() {
			return pool("main");
		}

		@Bean
		@Lazy
		HikariDataSource lateDataSource() {
			return pool("late");
		}

		private static HikariDataSource pool(String name) {
			HikariDataSource dataSource = new HikariDataSource();
			dataSource.setJdbcUrl("jdbc:postgresql://localhost:1/" + name);
			dataSource.setPoolName(name);
			return dataSource;
		}

	}

}
