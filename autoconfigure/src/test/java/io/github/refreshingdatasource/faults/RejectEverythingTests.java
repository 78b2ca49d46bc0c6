package io.github.refreshingdatasource.faults;

import java.time.Duration;
import java.time.Instant;

import com.zaxxer.hikari.HikariDataSource;
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
 * The database refuses every login of the role ({@code NOLOGIN}, as when an administrator
 * locks it) while 16 threads query and the pool keeps opening connections. Provider calls
 * stay bounded, the pool's errors name the refusal, and unlocking the role is all it takes
 * to recover.
 */
@ExtendWith(OutputCaptureExtension.class)
class RejectEverythingTests {

	private static final Duration LOCKED = Duration.ofSeconds(8);

	private static ScramPostgres postgres;

	@BeforeAll
	static void startPostgres() {
		postgres = ScramPostgres.start();
	}

	@AfterAll
	static void stopPostgres() {
		postgres.close();
	}

	/**
	 * A source that keeps answering with the same token (as cloud SDKs cache theirs): forced
	 * re-fetches of the rejected token back off from the initial interval to the maximum,
	 * whatever the number of refused logins.
	 */
	@Test
	void sourceReturningTheSameTokenIsReFetchedWithBackOff(CapturedOutput output) throws Exception {
		Locked locked = lockUnderLoad(output, true);
		// Forced re-fetches double their interval from 50 ms to 1 s (5 steps), then one a second;
		// a fetch attempt that timed out under load is retried on top.
		int bound = 5 + (int) Math.ceil((double) LOCKED.toMillis() / FaultFixtures.MAX_INTERVAL.toMillis()) + 1
				+ locked.retries();
		assertThat(locked.providerCalls()).as("provider calls while locked").isPositive().isLessThanOrEqualTo(bound);
		assertThat(locked.tokensIssued()).as("tokens issued").isEqualTo(1);
		assertThat(output.getAll()).contains("the source still returns it");
	}

	/**
	 * A source that issues a new token each call: every refused login fetches at most once,
	 * plus the retries of fetch attempts that failed (HikariCP's own backoff, 10 ms doubling
	 * to 5 s, paces the logins).
	 */
	@Test
	void sourceIssuingNewTokensIsCalledAtMostOncePerRefusedLogin(CapturedOutput output) throws Exception {
		Locked locked = lockUnderLoad(output, false);
		assertThat(locked.providerCalls()).as("provider calls while locked")
			.isPositive()
			.isLessThanOrEqualTo(locked.rejections() + locked.retries());
	}

	private Locked lockUnderLoad(CapturedOutput output, boolean reuseTokens) throws Exception {
		String role = FaultFixtures.newRole(postgres);
		CacheEvents events = new CacheEvents();
		Locked[] result = new Locked[1];
		try (TokenServer server = new TokenServer(postgres, role, Duration.ofMinutes(10))) {
			if (reuseTokens) {
				server.reuseTokens();
			}
			HttpTokenProvider provider = new HttpTokenProvider(server.uri(), role);
			// The account-lockout guard stays on, with short pauses so that unlocking the role shows
			// within the test's window; LockoutGuardTests and RejectedLoginIntegrationTests cover its schedule.
			FaultFixtures
				.application(postgres, "refreshing.datasource.refresh.lockout.pause=1s",
						"refreshing.datasource.refresh.lockout.max-pause=2s")
				.withBean(CredentialProvider.class, () -> provider)
				.withBean(CacheEvents.class, () -> events)
				.run((context) -> {
					HikariDataSource pool = FaultFixtures.pool(context, "dataSource");
					try (Workload load = new Workload("locked", pool, 16, Duration.ofSeconds(60), Duration.ofMillis(300))) {
						await().atMost(Duration.ofSeconds(10)).until(() -> load.successes() > 200);
						int callsBefore = provider.calls();
						int rejectionsBefore = events.rejected.get();
						int retriesBefore = events.retried.get();
						postgres.lockRole(role);
						Instant lockedAt = Instant.now();
						postgres.terminateConnections(role);
						// Queries on the terminated sessions fail with their own message until then.
						Instant causeKnown = Instant.now().plus(FaultFixtures.CONNECTION_TIMEOUT);
						FaultFixtures.awaitUntil(lockedAt.plus(LOCKED));
						int calls = provider.calls() - callsBefore;
						// Read after the calls: a refused login is counted before the fetch it causes.
						int rejections = events.rejected.get() - rejectionsBefore;
						int retries = events.retried.get() - retriesBefore;
						postgres.unlockRole(role);
						long unlocked = System.nanoTime();
						await().atMost(Duration.ofSeconds(15)).until(() -> load.succeededSince(unlocked));
						Instant recovered = Instant.now();
						long successesAtRecovery = load.successes();
						await().atMost(Duration.ofSeconds(5)).until(() -> load.successes() > successesAtRecovery + 200);
						load.close();

						assertThat(rejections).as("refused logins").isPositive();
						assertThat(load.failures((failure) -> failure.at().isAfter(causeKnown))).isNotEmpty();
						assertThat(load.failures((failure) -> failure.at().isAfter(causeKnown)
								&& !failure.messages().contains("role \"" + role + "\" is not permitted to log in")))
							.as("failures that do not name the refusal")
							.isEmpty();
						assertThat(load.failures((failure) -> failure.at().isAfter(recovered.plus(
								FaultFixtures.CONNECTION_TIMEOUT))))
							.as("queries failed after recovery")
							.isEmpty();
						System.out.printf("locked for %s (%s): %d refused logins, %d provider calls (%d retries), "
								+ "%d tokens issued%n", LOCKED, reuseTokens ? "same token" : "new token each call",
								rejections, calls, retries, server.issued());
						result[0] = new Locked(calls, rejections, retries, server.issued());
					}
				});
			FaultFixtures.assertNoSecretIn(output, server.secrets());
		}
		return result[0];
	}

	private record Locked(int providerCalls, int rejections, int retries, int tokensIssued) {
	}

}
