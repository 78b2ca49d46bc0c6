package io.github.refreshingdatasource.autoconfigure;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.credentials.RefreshMode;
import io.github.refreshingdatasource.testsupport.ScramPostgres;
import io.github.refreshingdatasource.testsupport.Secrets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code refresh.mode: lazy} against a real PostgreSQL that enforces scram-sha-256. The
 * provider acts like a secrets engine issuing short-lived logins: each fetch sets a new
 * password on the role, valid until the stated expiry. Nothing refreshes while no connection
 * is opened; the first new connection inside the margin logs in with the still-valid
 * credential and starts the one refresh.
 */
@ExtendWith(OutputCaptureExtension.class)
class LazyRefreshIntegrationTests {

	private static ScramPostgres postgres;

	private final Secrets secrets = new Secrets();

	@BeforeAll
	static void startPostgres() {
		postgres = ScramPostgres.start();
	}

	@AfterAll
	static void stopPostgres() {
		postgres.close();
	}

	@AfterEach
	void noPasswordInOutput(CapturedOutput output) {
		this.secrets.assertNoneIn(output.getAll());
	}

	@Test
	void lazyModeRefreshesOnlyWhenANewConnectionNeedsItAndHasNoSchedulerThread() {
		String role = "lazy_app";
		postgres.createLoginRole(role, this.secrets.newPassword());
		AtomicInteger fetches = new AtomicInteger();
		// A 6-second login, refreshed 3 s before expiry: due after 3 s.
		CredentialProvider issuer = () -> {
			fetches.incrementAndGet();
			String password = this.secrets.newPassword();
			Instant expiresAt = Instant.now().plusSeconds(6);
			postgres.setPassword(role, password, expiresAt.plusSeconds(2));
			return DbCredential.of(role, password, expiresAt);
		};
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataSourceAutoConfiguration.class, RefreshingDataSourceAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + postgres.jdbcUrl(),
					"spring.datasource.hikari.maximum-pool-size=2", "refreshing.datasource.provider.type=bean",
					"refreshing.datasource.refresh.mode=lazy", "refreshing.datasource.refresh.before-expiry=3s",
					"refreshing.datasource.refresh.jitter=0s")
			.withBean(CredentialProvider.class, () -> issuer)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				HikariDataSource pool = context.getBean(DataSource.class).unwrap(HikariDataSource.class);
				CredentialCache cache = context.getBean(CredentialCacheRegistry.class).get("dataSource");
				assertThat(cache.getSettings().mode()).isEqualTo(RefreshMode.LAZY);
				assertThat(currentUser(pool)).isEqualTo(role);
				String first = cache.snapshot().fingerprint();
				assertThat(schedulerThreads()).isEmpty();
				// Past the refresh margin's start, nobody opens a connection: nothing is fetched.
				await().during(Duration.ofMillis(3500)).atMost(Duration.ofSeconds(4)).until(() -> fetches.get() == 1);
				// A new connection logs in with the still-valid credential and starts the refresh.
				pool.getHikariPoolMXBean().softEvictConnections();
				assertThat(currentUser(pool)).isEqualTo(role);
				await().atMost(Duration.ofSeconds(5)).until(() -> !first.equals(cache.snapshot().fingerprint()));
				assertThat(fetches.get()).isEqualTo(2);
				pool.getHikariPoolMXBean().softEvictConnections();
				assertThat(currentUser(pool)).isEqualTo(role);
				assertThat(fetches.get()).isEqualTo(2);
				assertThat(schedulerThreads()).isEmpty();
			});
	}


	private static String currentUser(DataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet resultSet = statement.executeQuery("SELECT current_user")) {
			resultSet.next();
			return resultSet.getString(1);
		}
	}

	private static java.util.List<String> schedulerThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.matches("refreshing-datasource-dataSource-\\d+"))
			.toList();
	}

}
