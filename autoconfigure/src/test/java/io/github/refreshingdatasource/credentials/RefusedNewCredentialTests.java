package io.github.refreshingdatasource.credentials;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 11, J: a source publishing a wrong password must not take the pool down while the
 * previous one still logs in. Unit level; on the real database with concurrent workers:
 * {@code RefusedNewCredentialIntegrationTests}.
 */
@ExtendWith(OutputCaptureExtension.class)
class RefusedNewCredentialTests {

	@Test
	void refusedFreshCredentialFallsBackToTheConfirmedOneUntilTheSourceChanges(CapturedOutput output)
			throws Exception {
		DbCredential good = DbCredential.of("app", "good-secret", Instant.now().plusSeconds(600));
		DbCredential wrong = DbCredential.of("app", "wrong-secret", Instant.now().plusSeconds(900));
		DbCredential fixed = DbCredential.of("app", "fixed-secret", Instant.now().plusSeconds(900));
		AtomicReference<DbCredential> source = new AtomicReference<>(good);
		RefreshSettings settings = new RefreshSettings(Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1),
				Duration.ofMinutes(15), Duration.ZERO,
				new RefreshSettings.Retry(1, Duration.ofMillis(50), 2.0, Duration.ofMillis(200)),
				RefreshSettings.Lockout.defaults(), RefreshMode.BACKGROUND, Duration.ZERO);
		try (CredentialCache cache = new CredentialCache("refused", "test", source::get, null, settings)) {
			assertThat(cache.get()).isSameAs(good);
			cache.loginSucceeded("app", "good-secret");
			source.set(wrong);
			cache.refresh(RefreshCause.SOURCE_CHANGED).get();
			assertThat(cache.get()).isSameAs(wrong);
			cache.invalidate(wrong, new SQLException("password authentication failed", "28P01"));
			// Logins go on with the confirmed credential, however often the source repeats.
			for (int i = 0; i < 10; i++) {
				DbCredential served = cache.get();
				assertThat(served).isSameAs(good);
				cache.loginSucceeded("app", "good-secret");
			}
			assertThat(cache.snapshot().refusedFingerprint()).isEqualTo(wrong.fingerprint());
			assertThat(cache.snapshot().paused()).isFalse();
			// The source is fixed: the next re-fetch (with backoff) adopts the new one.
			source.set(fixed);
			await().atMost(Duration.ofSeconds(5)).until(() -> cache.get().sameLogin(fixed));
			assertThat(cache.snapshot().refusedFingerprint()).isNull();
		}
		assertThat(output).containsOnlyOnce("the database refused new credential " + wrong.fingerprint())
			.doesNotContain("wrong-secret");
	}

}
