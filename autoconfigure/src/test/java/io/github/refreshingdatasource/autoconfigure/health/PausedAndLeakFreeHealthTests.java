package io.github.refreshingdatasource.autoconfigure.health;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.credentials.RefreshMode;
import io.github.refreshingdatasource.credentials.RefreshSettings;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 11, I and D: a lockout pause is not UP, and health shows the rejection, redacted. */
class PausedAndLeakFreeHealthTests {

	private static final String NEVER_SERVED = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlMTIz";

	@Test
	void pausedDataSourceIsOutOfServiceAndShowsTheRedactedRejection() throws Exception {
		DbCredential wrong = DbCredential.of("app", "wrong-secret-value", null);
		RefreshSettings settings = new RefreshSettings(Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1),
				Duration.ofMinutes(15), Duration.ZERO,
				new RefreshSettings.Retry(1, Duration.ofMillis(20), 2.0, Duration.ofMillis(100)),
				new RefreshSettings.Lockout(3, Duration.ofMinutes(1), Duration.ofMinutes(5)),
				RefreshMode.BACKGROUND, Duration.ZERO);
		try (CredentialCacheRegistry registry = new CredentialCacheRegistry()) {
			CredentialCache cache = new CredentialCache("paused", "test", () -> wrong, null, settings);
			registry.register(cache);
			for (int i = 0; i < 3; i++) {
				try {
					cache.invalidate(cache.get(), new SQLException("password authentication failed for wrong-secret-value"
							+ " (hint token=" + NEVER_SERVED + ")", "28P01"));
				}
				catch (SQLException paused) {
					// Paused already.
				}
			}
			Health health = new DbCredentialsHealthIndicator(registry, (name) -> null, Duration.ofMinutes(1),
					Clock.systemUTC())
				.health();
			assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
			@SuppressWarnings("unchecked")
			Map<String, Object> detail = (Map<String, Object>) health.getDetails().get("paused");
			assertThat(detail).containsKeys("pausedUntil", "pauseReason", "lastRejection");
			assertThat(health.toString()).doesNotContain("wrong-secret-value").doesNotContain(NEVER_SERVED);
			assertThat(cache.snapshot().toString()).doesNotContain("wrong-secret-value").doesNotContain(NEVER_SERVED);
		}
	}

}
