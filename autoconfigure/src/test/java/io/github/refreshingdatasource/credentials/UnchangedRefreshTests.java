package io.github.refreshingdatasource.credentials;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 11, H: a refresh that returns the credential already served is told to listeners
 * as unchanged; a listener that knows only {@code refreshSucceeded} sees it as before.
 */
class UnchangedRefreshTests {

	private static final Instant EXPIRY = Instant.now().plusSeconds(3600);

	@Test
	void refreshReturningTheServedCredentialIsUnchangedAndANewOneSucceeds() throws Exception {
		AtomicReference<DbCredential> source = new AtomicReference<>(DbCredential.of("app", "first-secret", EXPIRY));
		List<String> events = new CopyOnWriteArrayList<>();
		List<String> legacy = new CopyOnWriteArrayList<>();
		try (CredentialCache cache = new CredentialCache("unchanged", "test", source::get, null, settings())) {
			cache.addListener(new CredentialCacheListener() {

				@Override
				public void refreshSucceeded(CredentialCache cache, RefreshCause cause, Duration duration,
						DbCredential credential, boolean rotated) {
					events.add(cause.tagValue() + ":success:" + credential.fingerprint() + ":" + rotated);
				}

				@Override
				public void refreshUnchanged(CredentialCache cache, RefreshCause cause, Duration duration,
						DbCredential credential) {
					events.add(cause.tagValue() + ":unchanged:" + credential.fingerprint());
				}

			});
			// Written before refreshUnchanged existed: it still hears of every refresh.
			cache.addListener(new CredentialCacheListener() {

				@Override
				public void refreshSucceeded(CredentialCache cache, RefreshCause cause, Duration duration,
						DbCredential credential, boolean rotated) {
					legacy.add(cause.tagValue() + ":" + rotated);
				}

			});
			String first = cache.refresh(RefreshCause.STARTUP).get(5, TimeUnit.SECONDS).fingerprint();
			cache.refresh(RefreshCause.SCHEDULED).get(5, TimeUnit.SECONDS);
			// Same login, renewed lease: a change worth telling, though not a rotation.
			source.set(DbCredential.of("app", "first-secret", EXPIRY.plusSeconds(600)));
			cache.refresh(RefreshCause.SCHEDULED).get(5, TimeUnit.SECONDS);
			source.set(DbCredential.of("app", "second-secret", EXPIRY));
			String second = cache.refresh(RefreshCause.SOURCE_CHANGED).get(5, TimeUnit.SECONDS).fingerprint();
			cache.refresh(RefreshCause.MANUAL).get(5, TimeUnit.SECONDS);
			assertThat(events).containsExactly("startup:success:" + first + ":false", "scheduled:unchanged:" + first,
					"scheduled:success:" + first + ":false", "source-changed:success:" + second + ":true",
					"manual:unchanged:" + second);
			assertThat(legacy).containsExactly("startup:false", "scheduled:false", "scheduled:false",
					"source-changed:true", "manual:false");
		}
	}

	@Test
	void sourceRepeatingARefusedCredentialIsUnchangedAndListenersSeeTheServedOne() throws Exception {
		DbCredential good = DbCredential.of("app", "good-secret", EXPIRY);
		DbCredential wrong = DbCredential.of("app", "wrong-secret", EXPIRY);
		AtomicReference<DbCredential> source = new AtomicReference<>(good);
		List<String> events = new CopyOnWriteArrayList<>();
		try (CredentialCache cache = new CredentialCache("unchanged", "test", source::get, null, settings())) {
			cache.addListener(new CredentialCacheListener() {

				@Override
				public void refreshSucceeded(CredentialCache cache, RefreshCause cause, Duration duration,
						DbCredential credential, boolean rotated) {
					events.add("success:" + credential.fingerprint());
				}

				@Override
				public void refreshUnchanged(CredentialCache cache, RefreshCause cause, Duration duration,
						DbCredential credential) {
					events.add("unchanged:" + credential.fingerprint());
				}

			});
			cache.refresh(RefreshCause.STARTUP).get(5, TimeUnit.SECONDS);
			cache.loginSucceeded("app", "good-secret");
			source.set(wrong);
			cache.refresh(RefreshCause.SOURCE_CHANGED).get(5, TimeUnit.SECONDS);
			events.clear();
			// The database refuses it; the re-fetch it starts (and those backing off after it)
			// bring it back while the good one is served.
			cache.invalidate(wrong);
			await().atMost(Duration.ofSeconds(5)).until(() -> !events.isEmpty());
			assertThat(cache.get()).isSameAs(good);
			assertThat(events).allSatisfy((event) -> assertThat(event).isEqualTo("unchanged:" + good.fingerprint()));
		}
	}

	private static RefreshSettings settings() {
		return new RefreshSettings(Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1), Duration.ofMinutes(15),
				Duration.ZERO, new RefreshSettings.Retry(1, Duration.ofMillis(50), 2.0, Duration.ofMillis(200)),
				RefreshSettings.Lockout.defaults(), RefreshMode.BACKGROUND, Duration.ZERO);
	}

}
