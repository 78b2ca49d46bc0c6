package io.github.refreshingdatasource.credentials;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.refreshingdatasource.credentials.CredentialCacheTests.MutableClock;
import io.github.refreshingdatasource.credentials.CredentialCacheTests.ScriptedProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for the account-lockout guard of {@link CredentialCache}: after three rejected
 * logins in a row with credentials that never logged in, {@link CredentialCache#get()}
 * hands out nothing for a pause that doubles up to a maximum. The clock moves only when a
 * test says so.
 */
@ExtendWith(OutputCaptureExtension.class)
class LockoutGuardTests {

	private static final Instant EPOCH = Instant.parse("2030-01-01T00:00:00Z");

	private static final Duration PAUSE = Duration.ofSeconds(30);

	private static final Duration MAX_PAUSE = Duration.ofSeconds(90);

	private final MutableClock clock = new MutableClock(EPOCH);

	@Test
	void threeRejectionsPauseLoginsAndEachProbeAfterAPauseDoublesTheNext(CapturedOutput output) throws Exception {
		DbCredential wrong = DbCredential.of("app", "wrong-secret", null);
		ScriptedProvider provider = new ScriptedProvider().always(() -> wrong);
		try (CredentialCache cache = cache("guarded", provider)) {
			assertThat(cache.get()).isSameAs(wrong);
			cache.invalidate(wrong, new IllegalStateException("28P01 password authentication failed"));
			assertThat(cache.get()).isSameAs(wrong);
			cache.invalidate(wrong);
			assertThat(cache.get()).isSameAs(wrong);
			assertThat(provider.calls()).isEqualTo(2);

			cache.invalidate(wrong);
			assertPaused(cache, "28P01 password authentication failed");
			this.clock.advance(PAUSE.minusMillis(1));
			assertPaused(cache, "3 rejected logins in a row");
			assertThat(provider.calls()).as("no fetch during the pause").isEqualTo(2);

			// The pause is over: one try with a freshly fetched credential...
			this.clock.advance(Duration.ofMillis(1));
			assertThat(cache.get()).isSameAs(wrong);
			assertThat(provider.calls()).isEqualTo(3);
			// ...and its rejection starts a pause twice as long.
			cache.invalidate(wrong);
			this.clock.advance(PAUSE.multipliedBy(2).minusMillis(1));
			assertPaused(cache, "4 rejected logins in a row");
			this.clock.advance(Duration.ofMillis(1));
			assertThat(cache.get()).isSameAs(wrong);
			cache.invalidate(wrong);
			// Capped at the maximum.
			this.clock.advance(MAX_PAUSE.minusMillis(1));
			assertPaused(cache, "5 rejected logins in a row");
			this.clock.advance(Duration.ofMillis(1));
			assertThat(cache.get()).isSameAs(wrong);
		}
		assertThat(count(output.getAll(), "no login is attempted until")).as("one WARN per pause").isEqualTo(3);
		assertThat(output.getAll()).doesNotContain("wrong-secret");
	}

	@Test
	void rejectionOfACredentialThatLoggedInIsARevocationAndNotCounted() throws Exception {
		AtomicInteger serial = new AtomicInteger();
		// A token source: every fetch returns a new token.
		ScriptedProvider provider = new ScriptedProvider()
			.always(() -> DbCredential.of("app", "token-" + serial.incrementAndGet(), null));
		try (CredentialCache cache = cache("revoked", provider)) {
			DbCredential working = cache.get();
			cache.loginSucceeded("app", "token-1");
			cache.invalidate(working);
			// Tokens fetched because of a rejection continue the run: three of them pause.
			for (int i = 0; i < 2; i++) {
				DbCredential fresh = cache.get();
				assertThat(fresh.sameLogin(working)).isFalse();
				cache.invalidate(fresh);
			}
			DbCredential third = cache.get();
			cache.invalidate(third);
			assertPaused(cache, "3 rejected logins in a row");
			assertThat(provider.calls()).isEqualTo(4);
		}
	}

	@Test
	void successfulLoginEndsTheRun() throws Exception {
		AtomicInteger serial = new AtomicInteger();
		ScriptedProvider provider = new ScriptedProvider()
			.always(() -> DbCredential.of("app", "token-" + serial.incrementAndGet(), null));
		try (CredentialCache cache = cache("succeeded", provider)) {
			cache.invalidate(cache.get());
			cache.invalidate(cache.get());
			DbCredential third = cache.get();
			cache.loginSucceeded("app", "token-3");
			// Rejections of the one that logged in do not count; two fresh ones are not three.
			cache.invalidate(third);
			cache.invalidate(cache.get());
			cache.invalidate(cache.get());
			assertThat(cache.get().sameSecret("token-6")).isTrue();
		}
	}

	@Test
	void newCredentialFromTheSourceDuringAPauseEndsIt(CapturedOutput output) throws Exception {
		DbCredential wrong = DbCredential.of("app", "wrong-secret", null);
		ScriptedProvider provider = new ScriptedProvider().always(() -> wrong);
		try (CredentialCache cache = cache("fixed", provider)) {
			pause(cache, wrong);
			provider.always(() -> DbCredential.of("app", "fixed-secret", null));
			// What a watched file's change or a scheduled refresh does.
			cache.refresh(RefreshCause.SCHEDULED).get(5, TimeUnit.SECONDS);
			assertThat(cache.get().sameSecret("fixed-secret")).isTrue();
		}
		assertThat(output.getAll()).contains("from the source; logins resume");
	}

	@Test
	void sameCredentialFromTheSourceDuringAPauseDoesNotEndIt() throws Exception {
		DbCredential wrong = DbCredential.of("app", "wrong-secret", null);
		ScriptedProvider provider = new ScriptedProvider().always(() -> wrong);
		try (CredentialCache cache = cache("unchanged", provider)) {
			pause(cache, wrong);
			cache.refresh(RefreshCause.SCHEDULED).get(5, TimeUnit.SECONDS);
			assertPaused(cache, "3 rejected logins in a row");
		}
	}

	// Issue 11 (defect 4): a manual refresh used to end the pause whatever it brought back.
	// Now the credential it brings back is judged like any other: the rejected one again
	// continues the pause (ManualRefreshTests covers the escalation).
	@Test
	void manualRefreshBringingBackTheRejectedCredentialContinuesThePause() throws Exception {
		DbCredential wrong = DbCredential.of("app", "wrong-secret", null);
		ScriptedProvider provider = new ScriptedProvider().always(() -> wrong);
		try (CredentialCache cache = cache("manual", provider)) {
			pause(cache, wrong);
			assertThat(cache.refresh().get(5, TimeUnit.SECONDS)).isSameAs(wrong);
			assertPaused(cache, "3 rejected logins in a row");
		}
	}

	@Test
	void guardOffNeverPauses() throws Exception {
		DbCredential wrong = DbCredential.of("app", "wrong-secret", null);
		ScriptedProvider provider = new ScriptedProvider().always(() -> wrong);
		RefreshSettings settings = settings(RefreshSettings.Lockout.off());
		try (CredentialCache cache = new CredentialCache("unguarded", "test", provider, null, settings, this.clock)) {
			for (int i = 0; i < 10; i++) {
				assertThat(cache.get()).isSameAs(wrong);
				cache.invalidate(wrong);
				this.clock.advance(Duration.ofSeconds(1));
			}
		}
	}

	@Test
	void pausesDoubleUpToTheMaximum() {
		RefreshSettings.Lockout lockout = RefreshSettings.Lockout.defaults();
		assertThat(lockout.maxConsecutiveRejections()).isEqualTo(3);
		assertThat(new long[] { lockout.pauseMillis(0), lockout.pauseMillis(1), lockout.pauseMillis(2),
				lockout.pauseMillis(3), lockout.pauseMillis(4), lockout.pauseMillis(40) })
			.containsExactly(30_000, 60_000, 120_000, 240_000, 300_000, 300_000);
	}

	private void pause(CredentialCache cache, DbCredential wrong) throws Exception {
		for (int i = 0; i < 3; i++) {
			assertThat(cache.get()).isSameAs(wrong);
			cache.invalidate(wrong);
		}
		assertPaused(cache, "3 rejected logins in a row");
	}

	private static void assertPaused(CredentialCache cache, String reason) {
		assertThatExceptionOfType(CredentialUnavailableException.class).isThrownBy(cache::get)
			.withMessageContaining("logins paused until")
			.withMessageContaining(reason)
			.withMessageNotContaining("secret");
	}

	private CredentialCache cache(String name, CredentialProvider provider) {
		return new CredentialCache(name, "test", provider, null,
				settings(new RefreshSettings.Lockout(3, PAUSE, MAX_PAUSE)), this.clock);
	}

	private static RefreshSettings settings(RefreshSettings.Lockout lockout) {
		// A generous fetch timeout: on a loaded machine a 500 ms one could expire before the fetch
		// thread ran, and the late answer's extra refresh would shift which credential is current.
		return new RefreshSettings(Duration.ZERO, Duration.ZERO, Duration.ofSeconds(30), Duration.ofMinutes(15),
				Duration.ZERO, new RefreshSettings.Retry(1, Duration.ofMillis(20), 2.0, Duration.ofMillis(100)),
				lockout, RefreshMode.BACKGROUND, Duration.ZERO);
	}

	private static int count(String text, String needle) {
		Matcher matcher = Pattern.compile(Pattern.quote(needle)).matcher(text);
		int count = 0;
		while (matcher.find()) {
			count++;
		}
		return count;
	}

}
