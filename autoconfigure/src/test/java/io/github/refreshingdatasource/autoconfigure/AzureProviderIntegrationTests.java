package io.github.refreshingdatasource.autoconfigure;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.microsoft.aad.msal4j.ManagedIdentityTestEnvironment;
import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.testsupport.LocalManagedIdentityEndpoint;
import io.github.refreshingdatasource.testsupport.PoolLoad;
import io.github.refreshingdatasource.testsupport.ScramPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The {@code azure} provider end to end, through the auto-configuration: azure-identity's
 * real {@code ManagedIdentityCredential} (with msal4j underneath) obtains tokens from the
 * App Service managed identity endpoint, served locally by {@link LocalManagedIdentityEndpoint}.
 * <p>
 * Why this endpoint, and why it is faithful: on App Service the identity endpoint is itself a
 * plain-HTTP endpoint on the instance, found through {@code IDENTITY_ENDPOINT} and guarded by
 * {@code IDENTITY_HEADER}; the local one speaks the same protocol (API version 2019-08-01,
 * the header, the {@code resource} parameter, {@code expires_on} in epoch seconds), and
 * nothing in azure-identity or msal4j is replaced. Only where MSAL reads those two
 * environment variables is redirected ({@link ManagedIdentityTestEnvironment}), since a JVM
 * cannot set its own environment. An authority-host route (client secret against a local
 * authority) would need HTTPS and instance discovery switched off, and would test less of
 * the real path.
 * <p>
 * Each token becomes the role's password, valid until its {@code expires_on}, before the
 * credential receives it.
 */
@ExtendWith(OutputCaptureExtension.class)
class AzureProviderIntegrationTests {

	private static final Duration TOKEN_LIFETIME = Duration.ofSeconds(6);

	private static final AtomicInteger roleCounter = new AtomicInteger();

	private static ScramPostgres postgres;

	private static LocalManagedIdentityEndpoint endpoint;

	private static volatile String tokenRole;

	@BeforeAll
	static void start() throws Exception {
		postgres = ScramPostgres.start();
		endpoint = LocalManagedIdentityEndpoint.start(TOKEN_LIFETIME, (token, expiresOn) -> {
			String role = tokenRole;
			if (role != null) {
				postgres.setPassword(role, token, expiresOn);
			}
		});
		ManagedIdentityTestEnvironment.use(endpoint.environment());
	}

	@AfterAll
	static void stop() {
		ManagedIdentityTestEnvironment.reset();
		endpoint.close();
		postgres.close();
	}

	@BeforeEach
	void newRole() {
		String role = "entra_" + roleCounter.incrementAndGet();
		postgres.createLoginRole(role, ScramPostgres.randomPassword());
		tokenRole = role;
	}

	@AfterEach
	void noTokenInOutput(CapturedOutput output) {
		assertThat(endpoint.issued()).isNotEmpty();
		for (String token : endpoint.issued()) {
			assertThat(output.getAll()).as("captured output must not contain a token").doesNotContain(token);
		}
		assertThat(output.getAll()).doesNotContain(endpoint.identityHeader());
	}

	private ApplicationContextRunner runner(String... properties) {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataSourceAutoConfiguration.class, RefreshingDataSourceAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + postgres.jdbcUrl(), "spring.datasource.username=" + tokenRole,
					"spring.datasource.hikari.maximum-pool-size=4", "spring.datasource.hikari.connection-timeout=5000",
					// The embedded PostgreSQL has no TLS; it listens on 127.0.0.1 only, so no token leaves this host.
					"refreshing.datasource.allow-insecure-transport=true", "refreshing.datasource.provider.type=azure",
					"refreshing.datasource.provider.azure.credential=managed-identity",
					"refreshing.datasource.refresh.jitter=0s")
			.withPropertyValues(properties);
	}

	@Test
	void managedIdentityTokensKeepThePoolLoggedInAcrossExpiries() throws Exception {
		runner().run((context) -> {
			HikariDataSource pool = hikari(context);
			int before = endpoint.tokensIssued();
			PoolLoad.Result load = PoolLoad.run(pool, TOKEN_LIFETIME.multipliedBy(2).plusSeconds(2), 2,
					Duration.ofMillis(250));
			int tokens = endpoint.tokensIssued() - before;
			assertThat(load.failures()).as("failed queries").isEmpty();
			assertThat(load.evictions()).isGreaterThan(20);
			// expires_on is whole seconds: a token lives between 5 and 6 s and is renewed at half of that.
			long halfLives = load.elapsed().toMillis() / 2500;
			assertThat(tokens).isBetween(3, (int) halfLives + 2);
			assertThat(endpoint.resources()).containsOnly("https://ossrdbms-aad.database.windows.net");
			String role = tokenRole;
			int expectedLogins = 3 * tokens;
			await().atMost(Duration.ofSeconds(5)).until(() -> PoolLoad.loginsOf(postgres, role) > expectedLogins);
		});
	}

	@Test
	void credentialRecoversAfterTheEndpointFailed() throws Exception {
		endpoint.failNext(20);
		runner("refreshing.datasource.refresh.retry.max-attempts=2",
				"refreshing.datasource.refresh.retry.initial-interval=50ms",
				"refreshing.datasource.refresh.retry.max-interval=500ms",
				"spring.datasource.hikari.connection-timeout=1000")
			.run((context) -> {
				HikariDataSource pool = hikari(context);
				assertThatExceptionOfType(SQLException.class).isThrownBy(() -> PoolLoad.query(pool));
				endpoint.failNext(0);
				await().atMost(Duration.ofSeconds(20))
					.ignoreExceptions()
					.until(() -> tokenRole.equals(PoolLoad.query(pool)));
			});
	}

	@Test
	void fetchTimeoutIsHonouredAndTheCredentialRecovers() throws Exception {
		CountDownLatch release = endpoint.holdRequests();
		runner("refreshing.datasource.refresh.fetch-timeout=1s", "refreshing.datasource.refresh.retry.max-attempts=1",
				"refreshing.datasource.refresh.retry.max-interval=500ms",
				"spring.datasource.hikari.connection-timeout=3000")
			.run((context) -> {
				HikariDataSource pool = hikari(context);
				long started = System.nanoTime();
				assertThatExceptionOfType(SQLException.class).isThrownBy(() -> PoolLoad.query(pool))
					.satisfies((ex) -> assertThat(messages(ex)).contains("fetch-timeout (PT1S)"));
				assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
				release.countDown();
				endpoint.holdRequests().countDown();
				await().atMost(Duration.ofSeconds(20))
					.ignoreExceptions()
					.until(() -> tokenRole.equals(PoolLoad.query(pool)));
			});
	}

	// Both pools log in as one role, whose single password is the newest token: the pool that
	// lost the race is refused once and fetches again, which the binding absorbs.
	@Test
	void twoDataSourcesEachGetTheirOwnCredential() throws Exception {
		runner().withUserConfiguration(TwoDataSources.class).run((context) -> {
			assertThat(context).hasNotFailed();
			DataSource first = context.getBean("firstDataSource", DataSource.class);
			DataSource second = context.getBean("secondDataSource", DataSource.class);
			assertThat(PoolLoad.query(first)).isEqualTo(tokenRole);
			assertThat(PoolLoad.query(second)).isEqualTo(tokenRole);
		});
	}

	private static HikariDataSource hikari(AssertableApplicationContext context) throws SQLException {
		assertThat(context).hasNotFailed();
		return context.getBean(DataSource.class).unwrap(HikariDataSource.class);
	}

	private static String messages(Throwable failure) {
		StringBuilder messages = new StringBuilder();
		for (Throwable candidate = failure; candidate != null; candidate = candidate.getCause()) {
			messages.append(candidate).append('\n');
		}
		return messages.toString();
	}

	@Configuration(proxyBeanMethods = false)
	static class TwoDataSources {

		@Bean
		@Primary
		HikariDataSource firstDataSource() {
			return pool();
		}

		@Bean
		HikariDataSource secondDataSource() {
			return pool();
		}

		private static HikariDataSource pool() {
			HikariDataSource pool = DataSourceBuilder.create()
				.type(HikariDataSource.class)
				.url(postgres.jdbcUrl())
				.username(tokenRole)
				.build();
			pool.setMaximumPoolSize(2);
			return pool;
		}

	}

}
