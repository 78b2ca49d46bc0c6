package io.github.refreshingdatasource.autoconfigure.endpoint;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CountDownLatch;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.autoconfigure.RefreshingDataSourceAutoConfiguration;
import io.github.refreshingdatasource.autoconfigure.endpoint.DbCredentialsEndpoint.CredentialDescriptor;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.credentials.RefreshMode;
import io.github.refreshingdatasource.credentials.RefreshSettings;
import io.github.refreshingdatasource.testsupport.ScriptedCredentialProvider;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RefreshingDataSourceEndpointAutoConfiguration} and the operations of
 * {@link DbCredentialsEndpoint}, called directly; the HTTP mapping and JSON are covered by
 * the observability integration test. The pools never start here.
 */
class RefreshingDataSourceEndpointAutoConfigurationTests {

	private final ScriptedCredentialProvider provider = new ScriptedCredentialProvider("app_a", "endpoint-secret-1",
			null);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				RefreshingDataSourceAutoConfiguration.class, EndpointAutoConfiguration.class,
				RefreshingDataSourceEndpointAutoConfiguration.class))
		.withBean(CredentialProvider.class, () -> this.provider)
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://localhost:1/none",
				"refreshing.datasource.provider.type=bean", "refreshing.datasource.refresh.jitter=0s");

	@Test
	void absentUnlessExposed() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(DbCredentialsEndpoint.class);
		});
	}

	@Test
	void readsEveryDataSourceAndOne() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=dbcredentials").run((context) -> {
			DbCredentialsEndpoint endpoint = endpoint(context);
			CredentialDescriptor descriptor = endpoint.credentials().datasources().get("dataSource");
			assertThat(descriptor.provider()).isEqualTo("bean");
			assertThat(descriptor.username()).isEqualTo("app_a");
			assertThat(descriptor.state()).isEqualTo("valid");
			assertThat(descriptor.fingerprint())
				.isEqualTo(DbCredential.of("app_a", "endpoint-secret-1", null).fingerprint());
			assertThat(Instant.parse(descriptor.issuedAt())).isBefore(Instant.now().plusMillis(1));
			assertThat(descriptor.expiresAt()).isNull();
			// Without a stated expiry: refreshed after refresh.default-lifetime (15 min).
			assertThat(Instant.parse(descriptor.nextRefreshAt()))
				.isBetween(Instant.now().plus(Duration.ofMinutes(14)), Instant.now().plus(Duration.ofMinutes(15)));
			assertThat(descriptor.lastError()).isNull();
			assertThat(endpoint.credential("dataSource")).isEqualTo(descriptor);
			assertThat(endpoint.credential("noSuchDataSource")).isNull();
		});
	}

	@Test
	void writeRefreshesOnceAndAnswersWithTheNewCredential() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=dbcredentials").run((context) -> {
			DbCredentialsEndpoint endpoint = endpoint(context);
			int calls = this.provider.calls();
			Instant expiresAt = Instant.now().plus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);
			this.provider.serve("app_b", "endpoint-secret-2", expiresAt);
			CredentialDescriptor refreshed = endpoint.refresh("dataSource");
			assertThat(this.provider.calls()).isEqualTo(calls + 1);
			assertThat(refreshed.state()).isEqualTo("valid");
			assertThat(refreshed.username()).isEqualTo("app_b");
			assertThat(refreshed.fingerprint()).isEqualTo(DbCredential.of("app_b", "endpoint-secret-2", null).fingerprint());
			assertThat(refreshed.expiresAt()).isEqualTo(expiresAt.toString());
			assertThat(endpoint.refresh("noSuchDataSource")).isNull();
		});
	}

	@Test
	void failedRefreshIsReportedWithoutTheSecret() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=dbcredentials",
					"refreshing.datasource.refresh.retry.max-attempts=1")
			.run((context) -> {
				DbCredentialsEndpoint endpoint = endpoint(context);
				this.provider.fail("vault said no to lease endpoint-secret-1");
				CredentialDescriptor descriptor = endpoint.refresh("dataSource");
				assertThat(descriptor.state()).as("the old credential is still valid").isEqualTo("valid");
				assertThat(descriptor.lastError().type()).isEqualTo("IllegalStateException");
				assertThat(descriptor.lastError().message()).isEqualTo("vault said no to lease ******");
				assertThat(descriptor.toString()).doesNotContain("endpoint-secret-1");
			});
	}

	@Test
	void stateIsFailedWithoutCredentialAndRefreshingWhileAFetchIsInFlight() {
		CountDownLatch release = new CountDownLatch(1);
		this.provider.answer(() -> {
			release.await();
			throw new IllegalStateException("token service down");
		});
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=dbcredentials",
					"refreshing.datasource.refresh.retry.max-attempts=1")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				DbCredentialsEndpoint endpoint = context.getBean(DbCredentialsEndpoint.class);
				assertThat(endpoint.credential("dataSource").state()).isEqualTo("refreshing");
				release.countDown();
				await().atMost(Duration.ofSeconds(5)).until(() -> endpoint.credential("dataSource").state().equals("failed"));
				CredentialDescriptor descriptor = endpoint.credential("dataSource");
				assertThat(descriptor.username()).isNull();
				assertThat(descriptor.fingerprint()).isNull();
				assertThat(descriptor.lastError().message()).isEqualTo("token service down");
			});
	}

	@Test
	void refreshWaitIsTheRefreshBudgetCappedAtThirtySeconds() {
		RefreshSettings defaults = RefreshSettings.defaults();
		assertThat(DbCredentialsEndpoint.refreshWait(defaults)).isEqualTo(Duration.ofSeconds(30));
		RefreshSettings quick = new RefreshSettings(defaults.beforeExpiry(), defaults.jitter(), Duration.ofSeconds(2),
				defaults.defaultLifetime(), defaults.minInterval(),
				new RefreshSettings.Retry(3, Duration.ofMillis(100), 2.0, Duration.ofSeconds(1)),
				RefreshSettings.Lockout.defaults(), RefreshMode.BACKGROUND, Duration.ZERO);
		assertThat(DbCredentialsEndpoint.refreshWait(quick)).isEqualTo(Duration.ofSeconds(8));
	}

	@Test
	void backsOffWithoutActuatorAndTheCoreStillWorks() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					RefreshingDataSourceAutoConfiguration.class, RefreshingDataSourceEndpointAutoConfiguration.class))
			.withBean(CredentialProvider.class, () -> this.provider)
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://localhost:1/none",
					"refreshing.datasource.provider.type=bean",
					"management.endpoints.web.exposure.include=dbcredentials")
			.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(DbCredentialsEndpoint.class);
				assertThat(context).hasSingleBean(CredentialCacheRegistry.class);
				HikariDataSource hikari = context.getBean("dataSource", DataSource.class).unwrap(HikariDataSource.class);
				assertThat(hikari.getCredentialsProvider().getCredentials().getPassword()).isEqualTo("endpoint-secret-1");
			});
	}

	private static DbCredentialsEndpoint endpoint(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		await().atMost(Duration.ofSeconds(5))
			.until(() -> context.getBean(CredentialCacheRegistry.class).get("dataSource").snapshot().valid());
		return context.getBean(DbCredentialsEndpoint.class);
	}

}
