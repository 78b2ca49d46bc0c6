package io.github.refreshingdatasource.credentials;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * Issue 11, defect 3: secrets left through causes, the snapshot and logs. Searches for the
 * served secret and for a token the cache never served (a provider echoing it in its
 * failure).
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretsNeverLeaveTests {

	static final String SERVED = "served-S3cr3t-value";

	static final String NEVER_SERVED = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJuZXZlci1zZXJ2ZWQifQ.c2lnbmF0dXJl";

	@Test
	void causeChainsSnapshotAndLogsCarryNoSecret(CapturedOutput output) throws Exception {
		AtomicInteger calls = new AtomicInteger();
		CredentialProvider provider = () -> {
			if (calls.incrementAndGet() == 1) {
				return DbCredential.of("app", SERVED, Instant.now().plusMillis(300));
			}
			SQLException database = new SQLException("login as app/" + SERVED + " failed; new token " + NEVER_SERVED,
					"28000", 1017);
			throw new IllegalStateException("token service said: token=" + NEVER_SERVED + " old=" + SERVED, database);
		};
		RefreshSettings settings = new RefreshSettings(Duration.ofMillis(100), Duration.ZERO, Duration.ofSeconds(1),
				Duration.ofMinutes(15), Duration.ZERO,
				new RefreshSettings.Retry(1, Duration.ofMillis(10), 2.0, Duration.ofMillis(50)),
				RefreshSettings.Lockout.defaults(), RefreshMode.BACKGROUND, Duration.ZERO);
		try (CredentialCache cache = new CredentialCache("secrets", "test", provider, null, settings)) {
			cache.start();
			DbCredential served = cache.get();
			await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(served.expiresAt()));
			await().atMost(Duration.ofSeconds(5)).until(() -> cache.snapshot().lastFailure() != null);
			CredentialUnavailableException ex = catchThrowableOfType(CredentialUnavailableException.class, cache::get);
			StringWriter trace = new StringWriter();
			ex.printStackTrace(new PrintWriter(trace));
			assertThat(trace.toString()).doesNotContain(SERVED).doesNotContain(NEVER_SERVED).contains("******");
			// Types, SQL state and vendor code survive; stack traces too.
			Throwable cause = ex.getCause();
			assertThat(cause).isInstanceOf(IllegalStateException.class);
			assertThat(cause.getStackTrace()).isNotEmpty();
			assertThat(cause.getCause()).isInstanceOfSatisfying(SQLException.class, (sql) -> {
				assertThat(sql.getSQLState()).isEqualTo("28000");
				assertThat(sql.getErrorCode()).isEqualTo(1017);
			});
			String snapshot = cache.snapshot().toString();
			assertThat(snapshot).doesNotContain(SERVED).doesNotContain(NEVER_SERVED).contains("IllegalStateException");
			// The refresh future a caller (the endpoint) gets fails with a sanitized chain too.
			Throwable refreshed = catchThrowableOfType(Exception.class, () -> cache.refresh().join());
			StringWriter refreshTrace = new StringWriter();
			refreshed.printStackTrace(new PrintWriter(refreshTrace));
			assertThat(refreshTrace.toString()).doesNotContain(SERVED).doesNotContain(NEVER_SERVED);
		}
		assertThat(output).contains("refresh (scheduled) failed").doesNotContain(SERVED).doesNotContain(NEVER_SERVED);
	}

	@Test
	void sanitizerKeepsTypesOrNamesThem() {
		Sanitizer sanitizer = new Sanitizer((text) -> text.replace("pw", "**"));
		Throwable custom = new Exception("outer pw", new CustomFailure("inner pw"));
		Throwable copy = sanitizer.sanitize(custom);
		assertThat(copy).isExactlyInstanceOf(Exception.class).hasMessage("outer **");
		assertThat(copy.getCause()).isInstanceOfSatisfying(SanitizedException.class,
				(stand) -> assertThat(stand.getOriginalType()).isEqualTo(CustomFailure.class.getName()))
			.hasMessageEndingWith("inner **");
		assertThat(CredentialSnapshot.Failure.of(copy.getCause(), (text) -> text))
			.isEqualTo(new CredentialSnapshot.Failure("SecretsNeverLeaveTests.CustomFailure", "inner **"));
	}

	static final class CustomFailure extends RuntimeException {

		CustomFailure(String message) {
			super(message);
		}

	}

}
