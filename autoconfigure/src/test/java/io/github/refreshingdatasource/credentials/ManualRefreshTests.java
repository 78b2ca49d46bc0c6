package io.github.refreshingdatasource.credentials;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.github.refreshingdatasource.credentials.CredentialCacheTests.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Issue 11, defect 4: each manual refresh (an Actuator POST) reset the lockout guard and
 * called the provider regardless of backoff: 20 POSTs gave 63 rejected logins.
 */
class ManualRefreshTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

	private RefreshSettings settings() {
		return new RefreshSettings(Duration.ZERO, Duration.ZERO, Duration.ofMillis(500), Duration.ofMinutes(15),
				Duration.ZERO, new RefreshSettings.Retry(1, Duration.ofMillis(20), 2.0, Duration.ofMillis(100)),
				new RefreshSettings.Lockout(3, Duration.ofSeconds(30), Duration.ofMinutes(5)), RefreshMode.BACKGROUND,
				Duration.ofSeconds(10));
	}

	@Test
	void twentyManualRefreshesAgainstARejectedCredentialStayWithinTheGuard() throws Exception {
		DbCredential wrong = DbCredential.of("app", "wrong-secret", null);
		AtomicInteger fetches = new AtomicInteger();
		CredentialProvider provider = () -> {
			fetches.incrementAndGet();
			return wrong;
		};
		int logins = 0;
		int refused = 0;
		try (CredentialCache cache = new CredentialCache("manual-guard", "test", provider, null, settings(),
				this.clock)) {
			for (int i = 0; i < 20; i++) {
				try {
					cache.refresh().get(5, TimeUnit.SECONDS);
				}
				catch (ExecutionException ex) {
					assertThat(ex.getCause()).isInstanceOf(RefreshRateLimitedException.class);
					refused++;
				}
				// The pool tries a login, as it would for each waiting request.
				try {
					DbCredential credential = cache.get();
					logins++;
					cache.invalidate(credential, new SQLException("password authentication failed", "28P01"));
				}
				catch (CredentialUnavailableException paused) {
					assertThat(paused.getMessage()).contains("logins paused");
				}
			}
			assertThat(cache.snapshot().paused()).isTrue();
			assertThat(cache.snapshot().lastRejection()).isNotNull();
		}
		assertThat(logins).as("rejected logins at the database").isLessThanOrEqualTo(3);
		// One that finds a rejection's re-fetch in flight joins it instead of being refused.
		assertThat(refused).isGreaterThanOrEqualTo(15);
		assertThat(fetches.get()).isLessThanOrEqualTo(4);
	}

	@Test
	void manualRefreshIsRateLimitedPerCacheAndAllowedAgainAfterTheInterval() throws Exception {
		AtomicInteger serial = new AtomicInteger();
		CredentialProvider provider = () -> DbCredential.of("app", "token-" + serial.incrementAndGet(), null);
		try (CredentialCache cache = new CredentialCache("manual-limit", "test", provider, null, settings(),
				this.clock);
				CredentialCache other = new CredentialCache("manual-other", "test", provider, null, settings(),
						this.clock)) {
			cache.refresh().get(5, TimeUnit.SECONDS);
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> cache.refresh().get())
				.havingCause()
				.isInstanceOfSatisfying(RefreshRateLimitedException.class, (ex) -> assertThat(ex.getRetryAfter())
					.isEqualTo(this.clock.instant().plusSeconds(10)));
			// Per cache: another DataSource is not limited by it.
			other.refresh().get(5, TimeUnit.SECONDS);
			this.clock.advance(Duration.ofSeconds(10));
			assertThat(cache.refresh().get(5, TimeUnit.SECONDS)).isNotNull();
		}
	}

}
