package io.github.refreshingdatasource.credentials;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A refresh publishes its credential before it ends (its listeners run in between), so a
 * caller can take the new credential on the hot path, log in, and have the database
 * reject it while that refresh is still in flight. Joining the refresh then would hand
 * the rejected credential straight back. A listener that holds the refresh open after it
 * served makes that window as wide as the test needs, every time.
 */
class RejectedWhileRefreshFinishesTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@Test
	void aCallerAfterTheRejectionGetsANewCredentialNotTheRejectedOneBack() throws Exception {
		AtomicInteger calls = new AtomicInteger();
		CredentialProvider provider = () -> DbCredential.of("app", "secret-" + calls.incrementAndGet(),
				Instant.now().plus(Duration.ofHours(1)));
		CountDownLatch served = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		CredentialCacheListener holdsTheFirstRefreshOpen = new CredentialCacheListener() {

			@Override
			public void refreshSucceeded(CredentialCache cache, RefreshCause cause, Duration duration,
					DbCredential credential, boolean rotated) {
				if (cause == RefreshCause.STARTUP) {
					served.countDown();
					await(release);
				}
			}

		};
		try (CredentialCache cache = new CredentialCache("finishing", "test", provider, null, settings())) {
			cache.addListener(holdsTheFirstRefreshOpen);
			cache.start();
			assertThat(served.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
			// The startup refresh has published its credential and is still in flight.
			DbCredential first = cache.get();
			assertThat(first.secret()).isEqualTo("secret-1");
			cache.loginSucceeded(first.username(), first.secret());
			// The database revokes it; the refresh that served it has not ended.
			cache.invalidate(first);
			CompletableFuture<DbCredential> next = new CompletableFuture<>();
			Thread caller = new Thread(() -> {
				try {
					next.complete(cache.get());
				}
				catch (Throwable ex) {
					next.completeExceptionally(ex);
				}
			}, "caller-after-rejection");
			caller.start();
			// The caller is parked on the refresh that served the rejected credential.
			Awaitility.await().atMost(WAIT).until(() -> caller.getState() == Thread.State.TIMED_WAITING);
			release.countDown();
			DbCredential afterRejection = next.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
			assertThat(afterRejection.secret()).isNotEqualTo("secret-1");
			assertThat(cache.get().secret()).isEqualTo(afterRejection.secret());
			// One fetch for the start, one for the rejection: the rejection neither joined the
			// finishing refresh nor fetched twice.
			assertThat(calls).hasValue(2);
		}
	}

	private static RefreshSettings settings() {
		return new RefreshSettings(Duration.ofMinutes(5), Duration.ZERO, WAIT, Duration.ofMinutes(15), Duration.ZERO,
				new RefreshSettings.Retry(1, Duration.ofMillis(10), 2.0, Duration.ofMillis(50)),
				RefreshSettings.Lockout.defaults(), RefreshMode.BACKGROUND, Duration.ZERO);
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
