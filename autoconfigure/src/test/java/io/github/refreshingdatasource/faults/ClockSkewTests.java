package io.github.refreshingdatasource.faults;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.CredentialSnapshot;
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
 * The token endpoint's clock is off: it states lifetimes that put the expiry in the past, or
 * years ahead, while PostgreSQL accepts each token for ten minutes. The cache clamps the
 * stated expiry (one more minute for the past, 24 hours at most for the future), says so at
 * WARN, serves 16 querying threads without a failure and does not fetch again and again.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClockSkewTests {

	private static final Duration REAL_LIFETIME = Duration.ofMinutes(10);

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
	void expiryInThePastIsTrustedForOneMoreMinuteAndRotationStillWorks(CapturedOutput output) throws Exception {
		String role = FaultFixtures.newRole(postgres);
		CacheEvents events = new CacheEvents();
		try (TokenServer server = new TokenServer(postgres, role, REAL_LIFETIME)) {
			server.stateLifetime(Duration.ofHours(-1));
			HttpTokenProvider provider = new HttpTokenProvider(server.uri(), role);
			FaultFixtures.application(postgres)
				.withBean(CredentialProvider.class, () -> provider)
				.withBean(CacheEvents.class, () -> events)
				.run((context) -> {
					HikariDataSource pool = FaultFixtures.pool(context, "dataSource");
					CredentialCache cache = FaultFixtures.cache(context, "dataSource");
					Instant started = Instant.now();
					queryUnderLoad(pool);
					CredentialSnapshot snapshot = cache.snapshot();
					assertThat(snapshot.expiresAt()).isBetween(started.plus(Duration.ofSeconds(50)),
							Instant.now().plus(Duration.ofMinutes(1)));
					// Half the minute's grace, as for any credential living less than an hour.
					assertThat(snapshot.nextRefreshAt()).isAfter(started.plusSeconds(20));
					assertThat(provider.calls()).as("provider calls").isEqualTo(1);
					assertThat(output.getAll()).contains("is stated to have expired at");

					// Every later token looks expired too, but each states a later expiry than the
					// one before: they are taken, so rotation goes on.
					String before = snapshot.fingerprint();
					cache.refresh().get(10, TimeUnit.SECONDS);
					assertThat(cache.snapshot().fingerprint()).isNotEqualTo(before);
					assertThat(events.rotated.get()).isEqualTo(1);
					queryUnderLoad(pool);
					assertThat(provider.calls()).as("provider calls").isEqualTo(2);
					assertThat(server.issued()).isEqualTo(2);
				});
			FaultFixtures.assertNoSecretIn(output, server.secrets());
		}
	}

	@Test
	void expiryYearsAheadIsClampedToADay(CapturedOutput output) throws Exception {
		String role = FaultFixtures.newRole(postgres);
		try (TokenServer server = new TokenServer(postgres, role, REAL_LIFETIME)) {
			server.stateLifetime(Duration.ofDays(10 * 365));
			HttpTokenProvider provider = new HttpTokenProvider(server.uri(), role);
			FaultFixtures.application(postgres).withBean(CredentialProvider.class, () -> provider).run((context) -> {
				HikariDataSource pool = FaultFixtures.pool(context, "dataSource");
				CredentialCache cache = FaultFixtures.cache(context, "dataSource");
				Instant started = Instant.now();
				queryUnderLoad(pool);
				CredentialSnapshot snapshot = cache.snapshot();
				assertThat(snapshot.expiresAt()).isBetween(started.plus(Duration.ofHours(24)).minusSeconds(10),
						Instant.now().plus(Duration.ofHours(24)));
				// Half the clamped day.
				assertThat(snapshot.nextRefreshAt()).isBetween(started.plus(Duration.ofHours(12)).minusSeconds(10),
						Instant.now().plus(Duration.ofHours(12)));
				assertThat(provider.calls()).as("provider calls").isEqualTo(1);
				assertThat(output.getAll()).contains("treating it as expiring in PT24H");
			});
			FaultFixtures.assertNoSecretIn(output, server.secrets());
		}
	}

	/** 16 threads query for a second while the pool's connections are evicted every 100 ms. */
	private static void queryUnderLoad(HikariDataSource pool) throws InterruptedException {
		try (Workload load = new Workload("skew", pool, 16, Duration.ofSeconds(30), Duration.ofMillis(100))) {
			long started = System.nanoTime();
			await().atMost(Duration.ofSeconds(20))
				.until(() -> load.evictions() >= 10 && load.successes() > 200 && load.succeededSince(started));
			load.close();
			assertThat(load.failures()).as("failed queries").isEmpty();
		}
	}

}
