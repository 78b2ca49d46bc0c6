package io.github.refreshingdatasource.credentials;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 11, defects 1 (thread leak with a provider stuck in a call that ignores
 * interrupts) and 2 (a throwing listener wedges the cache), and item G (threads shared by
 * many caches).
 */
@ExtendWith(OutputCaptureExtension.class)
class HostileEngineTests {

	private static RefreshSettings settings(Duration fetchTimeout, int attempts, Duration maxInterval) {
		return new RefreshSettings(Duration.ofMillis(100), Duration.ZERO, fetchTimeout, Duration.ofMinutes(15),
				Duration.ZERO, new RefreshSettings.Retry(attempts, Duration.ofMillis(10), 2.0, maxInterval),
				RefreshSettings.Lockout.defaults(), RefreshMode.BACKGROUND, Duration.ZERO);
	}

	@Test
	void listenerThrowingFromEveryCallbackDoesNotWedgeTheCache(CapturedOutput output) throws Exception {
		AtomicInteger calls = new AtomicInteger();
		// Short-lived credentials; every third call fails, so every callback is exercised.
		CredentialProvider provider = () -> {
			int call = calls.incrementAndGet();
			if (call % 3 == 2) {
				throw new IllegalStateException("source hiccup " + call);
			}
			return DbCredential.of("app", "secret-" + call, Instant.now().plusMillis(400));
		};
		CredentialCacheListener hostile = new CredentialCacheListener() {

			@Override
			public void refreshSucceeded(CredentialCache cache, RefreshCause cause, Duration duration,
					DbCredential credential, boolean rotated) {
				throw new IllegalStateException("listener broken in refreshSucceeded");
			}

			@Override
			public void refreshFailed(CredentialCache cache, RefreshCause cause, Duration duration, Throwable failure) {
				throw new IllegalStateException("listener broken in refreshFailed");
			}

			@Override
			public void fetchRetried(CredentialCache cache) {
				throw new IllegalStateException("listener broken in fetchRetried");
			}

			@Override
			public void credentialRejected(CredentialCache cache, DbCredential rejected) {
				throw new IllegalStateException("listener broken in credentialRejected");
			}

		};
		try (CredentialCache cache = new CredentialCache("wedge", "test", provider, null,
				settings(Duration.ofSeconds(1), 1, Duration.ofMillis(50)))) {
			cache.addListener(hostile);
			cache.setFetchInterceptor((c, cause, p) -> p.fetch());
			cache.start();
			DbCredential first = cache.get();
			cache.invalidate(first);
			Instant firstExpiry = first.expiresAt();
			// Well past the first credential's expiry, refreshes went on and get() still works.
			await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() >= 8);
			await().atMost(Duration.ofSeconds(5)).until(() -> Instant.now().isAfter(firstExpiry));
			DbCredential later = cache.get();
			assertThat(later.sameLogin(first)).isFalse();
			assertThat(cache.snapshot().valid()).isTrue();
		}
		assertThat(output).contains("refreshSucceeded failed", "refreshFailed failed", "credentialRejected failed");
	}

	@Test
	void providerStuckInACallThatIgnoresInterruptsHoldsOneThreadAndIsReported(CapturedOutput output)
			throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch releaseAgain = new CountDownLatch(1);
		AtomicBoolean stuck = new AtomicBoolean();
		AtomicInteger calls = new AtomicInteger();
		CredentialProvider provider = () -> {
			calls.incrementAndGet();
			if (stuck.get()) {
				awaitUninterruptibly((calls.get() <= 2) ? release : releaseAgain);
			}
			return DbCredential.of("app", "secret-" + calls.get(), Instant.now().plusSeconds(30));
		};
		int before = engineThreads("stuck");
		CredentialCache cache = new CredentialCache("stuck", "test", provider, null,
				settings(Duration.ofMillis(100), 3, Duration.ofMillis(100)));
		try {
			cache.start();
			DbCredential valid = cache.get();
			stuck.set(true);
			List<Integer> counts = new ArrayList<>();
			long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
			while (System.nanoTime() < end) {
				cache.refresh();
				// The still-valid credential is served meanwhile.
				assertThat(cache.get()).isSameAs(valid);
				counts.add(engineThreads("stuck"));
				Thread.sleep(50);
			}
			// The private pools' limits: scheduler, one refresh thread, two fetch threads (one
			// stuck inside the provider, one idle from the first call). On main: 8 -> 42.
			assertThat(counts).allMatch((count) -> count - before <= 4);
			assertThat(calls.get()).as("no new provider call while one is stuck").isEqualTo(2);
			assertThat(output).containsOnlyOnce("provider call stuck since");
			assertThat(output).contains("1 threads held");
			release.countDown();
			await().atMost(Duration.ofSeconds(5)).until(() -> !cache.get().sameLogin(valid));
			stuck.set(true);
			// A refresh may join the one that resumed; ask until a new call is inside the provider.
			await().atMost(Duration.ofSeconds(5)).until(() -> {
				cache.refresh();
				return calls.get() >= 3;
			});
		}
		finally {
			long started = System.nanoTime();
			cache.close();
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
			releaseAgain.countDown();
			release.countDown();
		}
		assertThat(output).contains("closed with 1 thread(s) still inside the provider");
	}

	/**
	 * A call stuck past the fetch timeout that returns while a retry waits for it: the retry
	 * takes its credential, and the "resume at once" refresh must not accept it a second
	 * time (it did, when its listener count or backoff doubled: the CredentialCacheTests
	 * flake of a rejected credential re-fetched one time too few under load).
	 */
	@Test
	void lateAnswerThatARetryWaitedForIsAcceptedOnce() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger calls = new AtomicInteger();
		DbCredential late = DbCredential.of("app", "late-secret", Instant.now().plusSeconds(60));
		CredentialProvider provider = () -> {
			if (calls.incrementAndGet() == 1) {
				return DbCredential.of("app", "first-secret", Instant.now().plusSeconds(60));
			}
			awaitUninterruptibly(release);
			return late;
		};
		AtomicInteger accepted = new AtomicInteger();
		try (CredentialCache cache = new CredentialCache("late", "test", provider, null,
				settings(Duration.ofMillis(200), 5, Duration.ofMillis(100)))) {
			cache.addListener(new CredentialCacheListener() {

				@Override
				public void refreshSucceeded(CredentialCache cache, RefreshCause cause, Duration duration,
						DbCredential credential, boolean rotated) {
					if (credential.sameLogin(late)) {
						accepted.incrementAndGet();
					}
				}

			});
			cache.start();
			cache.get();
			cache.refresh(RefreshCause.SCHEDULED);
			// The first attempt gave up on the call; the retries wait for it (5 x 200 ms).
			await().atMost(Duration.ofSeconds(5)).until(() -> cache.snapshot().providerStuckSince() != null);
			release.countDown();
			await().atMost(Duration.ofSeconds(5)).until(() -> cache.get().sameLogin(late));
			// The call's thread has left the provider, and whatever it started has finished.
			await().atMost(Duration.ofSeconds(5))
				.until(() -> cache.snapshot().providerThreads() == 0 && !cache.snapshot().refreshing());
			assertThat(accepted).as("acceptances of the late credential").hasValue(1);
			assertThat(calls).as("provider calls").hasValue(2);
		}
	}

	@Test
	void hundredCachesOnSharedThreadsLeaveAtMostThreeIdleEngineThreads() throws Exception {
		try (RefreshThreads threads = new RefreshThreads("refreshing-datasource-shared-test", 4, 8,
				Duration.ofMillis(200))) {
			List<CredentialCache> caches = new ArrayList<>();
			for (int i = 0; i < 100; i++) {
				int n = i;
				CredentialCache cache = new CredentialCache("tenant-" + i, "test",
						() -> DbCredential.of("app", "secret-" + n, Instant.now().plusSeconds(3600)), null,
						RefreshSettings.defaults(), threads);
				cache.start();
				caches.add(cache);
			}
			for (CredentialCache cache : caches) {
				assertThat(cache.get().secret()).startsWith("secret-");
			}
			await().atMost(Duration.ofSeconds(5))
				.until(() -> engineThreads("shared-test") <= 3 && threads.liveThreads() <= 3);
			caches.forEach(CredentialCache::close);
		}
	}

	private static void awaitUninterruptibly(CountDownLatch latch) {
		while (true) {
			try {
				latch.await();
				return;
			}
			catch (InterruptedException ex) {
				// Like a socket read with no timeout: an interrupt does not end it.
			}
		}
	}

	private static int engineThreads(String name) {
		String prefix = "refreshing-datasource-" + name + "-";
		return (int) Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.filter((thread) -> thread.getName().startsWith(prefix))
			.count();
	}

}
