package io.github.refreshingdatasource.faults;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.testsupport.CacheEvents;
import io.github.refreshingdatasource.faults.TokenServer.Fault;
import io.github.refreshingdatasource.faults.Workload.Failure;
import io.github.refreshingdatasource.testsupport.ScramPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static io.github.refreshingdatasource.faults.FaultFixtures.MAX_ATTEMPTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The token endpoint fails (subclasses choose how) for longer than twice the token lifetime
 * while 16 threads query and the pool keeps opening new connections: no query fails while
 * the last token is valid, queries fail with an error naming the cause once it has expired,
 * provider calls stay within what the backoff allows, and the pool recovers by itself once
 * the endpoint heals.
 */
@ExtendWith(OutputCaptureExtension.class)
abstract class TokenEndpointFaultScenario {

	private static final Duration LIFETIME = Duration.ofSeconds(3);

	private static final Duration FAULT = LIFETIME.multipliedBy(2).plusMillis(500);

	private static ScramPostgres postgres;

	@BeforeAll
	static void startPostgres() {
		postgres = ScramPostgres.start();
	}

	@AfterAll
	static void stopPostgres() {
		postgres.close();
	}

	void outageLongerThanTwoLifetimes(Fault fault, CapturedOutput output) throws Exception {
		String role = FaultFixtures.newRole(postgres);
		CacheEvents events = new CacheEvents();
		try (TokenServer server = new TokenServer(postgres, role, LIFETIME)) {
			HttpTokenProvider provider = new HttpTokenProvider(server.uri(), role);
			FaultFixtures.application(postgres)
				.withBean(CredentialProvider.class, () -> provider)
				.withBean(CacheEvents.class, () -> events)
				.run((context) -> {
					HikariDataSource pool = FaultFixtures.pool(context, "dataSource");
					CredentialCache cache = FaultFixtures.cache(context, "dataSource");
					try (Workload load = new Workload("load", pool, 16, Duration.ofSeconds(60), Duration.ofMillis(300))) {
						// Healthy: the schedule rotates at half the lifetime. Fail right after a rotation,
						// so the whole lifetime of the last token lies in the fault.
						await().atMost(Duration.ofSeconds(15))
							.pollInterval(Duration.ofMillis(10))
							.until(() -> events.rotated.get() >= 1);
						server.fail(fault);
						Instant faultStart = Instant.now();
						Instant lastValidUntil = cache.snapshot().expiresAt();
						int requestsAtFault = server.requests();
						assertThat(Duration.between(faultStart, lastValidUntil)).isGreaterThan(LIFETIME.dividedBy(2));

						Instant faultEnd = faultStart.plus(FAULT);
						FaultFixtures.awaitUntil(faultEnd);
						int faultRequests = server.requests() - requestsAtFault;
						long healedAt = System.nanoTime();
						server.heal();
						await().atMost(Duration.ofSeconds(15)).until(() -> load.succeededSince(healedAt));
						Instant recovered = Instant.now();
						long successesAtRecovery = load.successes();
						await().atMost(Duration.ofSeconds(5)).until(() -> load.successes() > successesAtRecovery + 200);
						load.close();

						List<Failure> failures = load.failures();
						assertThat(failures).as("queries failed while the last token was valid")
							.noneMatch((failure) -> failure.at().isBefore(lastValidUntil));
						assertThat(failures).as("queries failed after the last token expired").isNotEmpty();
						// HikariCP reports the last failed login as the cause of a borrower's timeout; one
						// that times out just after the expiry may have seen no failed login yet.
						Instant causeKnown = lastValidUntil.plus(FaultFixtures.CONNECTION_TIMEOUT);
						assertThat(load.failures((failure) -> failure.at().isAfter(causeKnown))).isNotEmpty();
						assertThat(load.failures((failure) -> failure.at().isAfter(causeKnown) && !(failure.messages()
							.contains("No valid credential for datasource 'dataSource' (provider: bean)")
								&& failure.messages().contains(expectedCause(fault)))))
							.as("failures that do not name the datasource and the cause")
							.isEmpty();
						assertThat(load.failures((failure) -> failure.at().isAfter(recovered.plus(
								FaultFixtures.CONNECTION_TIMEOUT))))
							.as("queries failed after recovery")
							.isEmpty();
						assertThat(faultRequests).as("token requests during the fault")
							.isGreaterThan(MAX_ATTEMPTS)
							.isLessThanOrEqualTo(FaultFixtures.failingFetchBound(FAULT));
						assertThat(events.failed.get()).as("failed refreshes").isGreaterThanOrEqualTo(2);
						assertThat(cache.snapshot().valid()).isTrue();
						assertThat(cache.snapshot().lastFailure()).isNull();
						System.out.printf("%s: %d token requests in %s of fault (bound %d), %d refreshes failed, "
								+ "%d queries, %d failed, all after the last token expired%n", fault, faultRequests, FAULT,
								FaultFixtures.failingFetchBound(FAULT), events.failed.get(), load.successes(),
								failures.size());
					}
				});
			FaultFixtures.assertNoSecretIn(output, server.secrets());
		}
	}

	private static String expectedCause(Fault fault) {
		return switch (fault) {
			case HTTP_500 -> "token endpoint answered HTTP 500";
			case TIMEOUT -> "fetch-timeout (PT0.5S)";
			case MALFORMED_JSON -> "token endpoint answered malformed JSON";
			case EXPIRED_TOKEN -> "stated to have expired";
		};
	}

}
