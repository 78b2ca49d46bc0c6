package io.github.refreshingdatasource.faults;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.testsupport.CacheEvents;
import io.github.refreshingdatasource.testsupport.ScramPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL stops and starts while 16 threads query. The pool logs in again with the
 * credential it holds: a connection refused or a server shutting down is no reason to fetch
 * a new one. Uses a server of its own, since the restart ends every session on it.
 */
@ExtendWith(OutputCaptureExtension.class)
class DatabaseRestartTests {

	private static ScramPostgres postgres;

	@BeforeAll
	static void startPostgres() {
		postgres = ScramPostgres.start();
	}

	@AfterAll
	static void stopPostgres() {
		postgres.close();
	}

	@Test
	void restartUnderLoadReconnectsWithTheCurrentCredentialAndFetchesNothing(CapturedOutput output) throws Exception {
		String role = FaultFixtures.newRole(postgres);
		CacheEvents events = new CacheEvents();
		// Long-lived tokens: any provider call during the test would be caused by the restart.
		try (TokenServer server = new TokenServer(postgres, role, Duration.ofMinutes(10))) {
			HttpTokenProvider provider = new HttpTokenProvider(server.uri(), role);
			FaultFixtures.application(postgres)
				.withBean(CredentialProvider.class, () -> provider)
				.withBean(CacheEvents.class, () -> events)
				.run((context) -> {
					HikariDataSource pool = FaultFixtures.pool(context, "dataSource");
					CredentialCache cache = FaultFixtures.cache(context, "dataSource");
					try (Workload load = new Workload("restart", pool, 16, Duration.ofSeconds(60), null)) {
						await().atMost(Duration.ofSeconds(10)).until(() -> load.successes() > 200);
						String fingerprint = cache.snapshot().fingerprint();
						assertThat(provider.calls()).isEqualTo(1);

						postgres.restart();
						long restarted = System.nanoTime();
						await().atMost(Duration.ofSeconds(20)).until(() -> load.succeededSince(restarted));
						Instant recovered = Instant.now();
						long successesAtRecovery = load.successes();
						await().atMost(Duration.ofSeconds(10)).until(() -> load.successes() > successesAtRecovery + 500);
						load.close();

						assertThat(load.failures((failure) -> failure.messages().contains("authentication failed")
								|| failure.messages().contains("not permitted to log in")))
							.as("logins refused")
							.isEmpty();
						assertThat(load.failures((failure) -> failure.at().isAfter(recovered.plus(
								FaultFixtures.CONNECTION_TIMEOUT))))
							.as("queries failed after recovery")
							.isEmpty();
						assertThat(provider.calls()).as("provider calls").isEqualTo(1);
						assertThat(server.requests()).as("token requests").isEqualTo(1);
						assertThat(events.rejected.get()).as("rejected logins").isZero();
						assertThat(events.failed.get()).as("failed refreshes").isZero();
						assertThat(cache.snapshot().fingerprint()).isEqualTo(fingerprint);
						// Every session on the restarted server is a new login.
						assertThat(sessionsOf(role)).as("sessions of " + role + " after the restart").isPositive();
						System.out.printf("restart: %d queries, %d failed during the restart, %d provider call(s)%n",
								load.successes(), load.failures().size(), provider.calls());
					}
				});
			FaultFixtures.assertNoSecretIn(output, server.secrets());
		}
	}

	private static int sessionsOf(String role) throws SQLException {
		try (Connection connection = postgres.superuserConnection();
				PreparedStatement statement = connection
					.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE usename = ?")) {
			statement.setString(1, role);
			try (ResultSet result = statement.executeQuery()) {
				result.next();
				return result.getInt(1);
			}
		}
	}

}
