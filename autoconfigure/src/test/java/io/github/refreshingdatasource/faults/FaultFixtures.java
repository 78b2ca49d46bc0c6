package io.github.refreshingdatasource.faults;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.autoconfigure.RefreshingDataSourceAutoConfiguration;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.github.refreshingdatasource.testsupport.ScramPostgres;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the fault tests share: the application under test, and small helpers.
 */
final class FaultFixtures {

	/** Attempts per refresh in these tests. */
	static final int MAX_ATTEMPTS = 3;

	/** Longest backoff, and the pause after a refresh that failed every attempt. */
	static final Duration MAX_INTERVAL = Duration.ofSeconds(1);

	static final Duration FETCH_TIMEOUT = Duration.ofMillis(500);

	static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(3);

	private static final AtomicInteger roleCounter = new AtomicInteger();

	private FaultFixtures() {
	}

	/**
	 * Spring Boot's DataSource auto-configuration and ours, pointed at the server, with
	 * retry settings short enough to see several backoff cycles within seconds.
	 */
	static ApplicationContextRunner application(ScramPostgres postgres, String... properties) {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataSourceAutoConfiguration.class, RefreshingDataSourceAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + postgres.jdbcUrl(),
					"spring.datasource.hikari.maximum-pool-size=8",
					"spring.datasource.hikari.connection-timeout=" + CONNECTION_TIMEOUT.toMillis(),
					"refreshing.datasource.provider.type=bean", "refreshing.datasource.refresh.jitter=0s",
					"refreshing.datasource.refresh.fetch-timeout=" + FETCH_TIMEOUT.toMillis() + "ms",
					"refreshing.datasource.refresh.retry.max-attempts=" + MAX_ATTEMPTS,
					"refreshing.datasource.refresh.retry.initial-interval=50ms",
					"refreshing.datasource.refresh.retry.max-interval=" + MAX_INTERVAL.toMillis() + "ms")
			.withPropertyValues(properties);
	}

	/**
	 * The most provider calls that failing refreshes may make in the given time: each
	 * refresh makes at most {@link #MAX_ATTEMPTS} calls, and after one has failed every
	 * attempt, the next starts no sooner than {@link #MAX_INTERVAL} later.
	 */
	static int failingFetchBound(Duration window) {
		return MAX_ATTEMPTS * (1 + (int) Math.ceil((double) window.toMillis() / MAX_INTERVAL.toMillis()));
	}

	static String newRole(ScramPostgres postgres) {
		String role = "fault_" + roleCounter.incrementAndGet();
		postgres.createLoginRole(role, ScramPostgres.randomPassword());
		return role;
	}

	static HikariDataSource pool(AssertableApplicationContext context, String name) throws SQLException {
		assertThat(context).hasNotFailed();
		return context.getBean(name, DataSource.class).unwrap(HikariDataSource.class);
	}

	static CredentialCache cache(AssertableApplicationContext context, String dataSourceName) {
		CredentialCache cache = context.getBean(CredentialCacheRegistry.class).get(dataSourceName);
		assertThat(cache).as("credential cache of " + dataSourceName).isNotNull();
		return cache;
	}

	static void awaitUntil(Instant instant) {
		await().pollInterval(Duration.ofMillis(20))
			.atMost(Duration.between(Instant.now(), instant).plusSeconds(5))
			.until(() -> !Instant.now().isBefore(instant));
	}

	static void assertNoSecretIn(CapturedOutput output, Collection<String> secrets) {
		assertThat(secrets).isNotEmpty();
		String all = output.getAll();
		for (String secret : secrets) {
			assertThat(all).as("captured output must not contain a token or password").doesNotContain(secret);
		}
	}

}
