package io.github.refreshingdatasource.autoconfigure.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.autoconfigure.RefreshingDataSourceAutoConfiguration;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.testsupport.ScriptedCredentialProvider;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RefreshingDataSourceHealthContributorAutoConfiguration}. The pools never
 * start (the JDBC URL points nowhere), so an unusable credential means state "failed".
 */
class RefreshingDataSourceHealthContributorAutoConfigurationTests {

	private final ScriptedCredentialProvider provider = new ScriptedCredentialProvider("app_user", "health-secret-1",
			null);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				RefreshingDataSourceAutoConfiguration.class, HealthContributorAutoConfiguration.class,
				RefreshingDataSourceHealthContributorAutoConfiguration.class))
		.withBean(CredentialProvider.class, () -> this.provider)
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://localhost:1/none",
				"refreshing.datasource.provider.type=bean", "refreshing.datasource.refresh.jitter=0s");

	@Test
	void upWhileTheCredentialIsValid() {
		this.runner.run((context) -> {
			awaitCredential(context);
			Health health = health(context);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(detail(health, "dataSource")).containsEntry("state", "valid")
				.containsEntry("provider", "bean")
				.doesNotContainKeys("warning", "error", "expiresAt");
		});
	}

	@Test
	void upWithAWarningWithinWarnBeforeExpiry() {
		Instant expiresAt = Instant.now().plus(Duration.ofSeconds(90));
		this.provider.serve("app_user", "health-secret-2", expiresAt);
		this.runner.run((context) -> {
			awaitCredential(context);
			Health health = health(context);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(detail(health, "dataSource")).containsEntry("state", "valid")
				.containsEntry("expiresAt", expiresAt.toString());
			assertThat((String) detail(health, "dataSource").get("warning")).contains("expires at " + expiresAt)
				.contains("warn-before-expiry (PT2M)")
				.doesNotContain("health-secret-2");
		});
	}

	@Test
	void warnBeforeExpiryIsConfigurable() {
		this.provider.serve("app_user", "health-secret-3", Instant.now().plus(Duration.ofSeconds(90)));
		this.runner.withPropertyValues("refreshing.datasource.health.warn-before-expiry=30s").run((context) -> {
			awaitCredential(context);
			assertThat(detail(health(context), "dataSource")).doesNotContainKey("warning");
		});
	}

	@Test
	void downOnceTheCredentialExpiredAndTheRefreshFailed() {
		// Expires in 1.5 s; the refresh at 1 s (min-interval) fails, and so does every later one.
		this.provider.serve("app_user", "health-secret-4", Instant.now().plusMillis(1500));
		this.runner
			.withPropertyValues("refreshing.datasource.refresh.retry.max-attempts=1",
					"refreshing.datasource.refresh.retry.max-interval=30s")
			.run((context) -> {
				awaitCredential(context);
				this.provider.fail("token endpoint refused token health-secret-4");
				await().atMost(Duration.ofSeconds(10)).until(() -> health(context).getStatus().equals(Status.DOWN));
				Map<String, Object> detail = detail(health(context), "dataSource");
				assertThat(detail).containsEntry("state", "failed")
					.containsEntry("error", "IllegalStateException: token endpoint refused token ******");
				assertThat(health(context).toString()).doesNotContain("health-secret-4");
			});
	}

	@Test
	void upWhileTheFirstFetchIsInFlight() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		this.provider.answer(() -> {
			release.await(10, TimeUnit.SECONDS);
			return DbCredential.of("app_user", "health-secret-5", null);
		});
		this.runner.run((context) -> {
			Health health = health(context);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(detail(health, "dataSource")).containsEntry("state", "refreshing");
			release.countDown();
			awaitCredential(context);
			assertThat(detail(health(context), "dataSource")).containsEntry("state", "valid");
		});
	}

	@Test
	void canBeDisabled() {
		this.runner.withPropertyValues("management.health.dbcredentials.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("dbcredentialsHealthIndicator"));
	}

	@Test
	void backsOffWithoutSpringBootHealthAndTheCoreStillWorks() {
		// Boot's own health auto-configuration cannot even load without its classes: leave it out.
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					RefreshingDataSourceAutoConfiguration.class,
					RefreshingDataSourceHealthContributorAutoConfiguration.class))
			.withBean(CredentialProvider.class, () -> this.provider)
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://localhost:1/none",
					"refreshing.datasource.provider.type=bean")
			.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean("dbcredentialsHealthIndicator");
				HikariDataSource hikari = context.getBean("dataSource", DataSource.class).unwrap(HikariDataSource.class);
				assertThat(hikari.getCredentialsProvider().getCredentials().getPassword()).isEqualTo("health-secret-1");
			});
	}

	private static void awaitCredential(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> context.getBean(CredentialCacheRegistry.class).get("dataSource").snapshot().valid());
	}

	private static Health health(AssertableApplicationContext context) {
		return context.getBean("dbcredentialsHealthIndicator", HealthIndicator.class).health();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> detail(Health health, String dataSource) {
		return (Map<String, Object>) health.getDetails().get(dataSource);
	}

}
