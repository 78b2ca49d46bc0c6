package io.github.refreshingdatasource.faults;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.faults.TokenServer.Fault;
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
 * Closing the application context while the pool is busy and a fetch hangs on the token
 * endpoint: the fetch is interrupted, the refresh schedule stops, and every thread the
 * starter and the pool started ends.
 */
@ExtendWith(OutputCaptureExtension.class)
class ShutdownTests {

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
	void closingTheContextStopsTheScheduleAndTheFetchInFlightAndLeavesNoThread(CapturedOutput output) throws Exception {
		String role = FaultFixtures.newRole(postgres);
		try (TokenServer server = new TokenServer(postgres, role, Duration.ofMinutes(1))) {
			// Created before the count of live threads, with its HTTP client and its threads.
			HttpTokenProvider provider = new HttpTokenProvider(server.uri(), role);
			Set<Thread> before = liveThreads();
			FaultFixtures.application(postgres, "refreshing.datasource.refresh.fetch-timeout=30s")
				.withBean(CredentialProvider.class, () -> provider)
				.run((context) -> {
					HikariDataSource pool = FaultFixtures.pool(context, "dataSource");
					CredentialCache cache = FaultFixtures.cache(context, "dataSource");
					try (Workload load = new Workload("shutdown", pool, 16, Duration.ofSeconds(30), null)) {
						await().atMost(Duration.ofSeconds(10)).until(() -> load.successes() > 200);
						assertThat(threadsNamed("refreshing-datasource")).as("the engine's shared threads").isNotEmpty();
						assertThat(threadsNamed(pool.getPoolName())).isNotEmpty();
						assertThat(cache.snapshot().nextRefreshAt()).isNotNull();
						int requests = server.requests();
						server.fail(Fault.TIMEOUT);
						CompletableFuture<DbCredential> hanging = cache.refresh();
						await().atMost(Duration.ofSeconds(5)).until(() -> server.requests() > requests);
						assertThat(hanging).isNotDone();
						load.close();
						assertThat(load.failures()).isEmpty();

						long closing = System.nanoTime();
						context.close();
						Duration took = Duration.ofNanos(System.nanoTime() - closing);

						assertThat(took).as("time to close").isLessThan(Duration.ofSeconds(5));
						assertThat(hanging).isCancelled();
						await().atMost(Duration.ofSeconds(5)).until(() -> provider.interrupted() == 1);
						assertThat(cache.snapshot().nextRefreshAt()).isNull();
						assertThat(pool.isClosed()).isTrue();
						assertThat(server.requests()).as("token requests after close").isEqualTo(requests + 1);
					}
				});
			await().atMost(Duration.ofSeconds(10))
				.pollInSameThread()
				.untilAsserted(() -> assertThat(names(leftOver(before))).as("threads left after close").isEmpty());
			FaultFixtures.assertNoSecretIn(output, server.secrets());
		}
	}

	/**
	 * Threads started since {@code before} and still alive, except those of the test's own
	 * infrastructure: the token endpoint's request handlers and the test provider's HTTP
	 * client (which the JDK runs until the client is garbage collected).
	 */
	private static Set<Thread> leftOver(Set<Thread> before) {
		return liveThreads().stream()
			.filter((thread) -> !before.contains(thread))
			.filter((thread) -> !thread.getName().equals("token-server") && !thread.getName().startsWith("HttpClient-"))
			.collect(Collectors.toSet());
	}

	private static Set<Thread> threadsNamed(String prefix) {
		return liveThreads().stream().filter((thread) -> thread.getName().startsWith(prefix)).collect(Collectors.toSet());
	}

	private static Set<Thread> liveThreads() {
		return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).collect(Collectors.toSet());
	}

	private static Set<String> names(Set<Thread> threads) {
		return threads.stream().map(Thread::getName).collect(Collectors.toSet());
	}

}
