package io.github.refreshingdatasource.credentials;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.refreshingdatasource.credentials.CredentialCacheTests.MutableClock;
import io.github.refreshingdatasource.credentials.CredentialCacheTests.ScriptedProvider;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RefreshMode}: background mode refreshes ahead of expiry on its scheduler
 * thread with nobody asking; lazy mode has no scheduler thread and refreshes when a
 * {@link CredentialCache#get()} finds the credential inside its refresh margin, keeping the
 * single-flight, retry and serve-still-valid rules.
 */
class RefreshModeTests {

	private static final Instant EPOCH = Instant.parse("2030-01-01T00:00:00Z");

	private static final Duration MAX_INTERVAL = Duration.ofMillis(100);

	@Test
	void lazyModeCreatesNoSchedulerThread() throws Exception {
		ScriptedProvider provider = new ScriptedProvider().always(() -> DbCredential.of("app", "secret", null));
		try (CredentialCache background = new CredentialCache("mode-bg", "test", provider, null,
				settings(RefreshMode.BACKGROUND));
				CredentialCache lazy = new CredentialCache("mode-lazy", "test", provider, null,
						settings(RefreshMode.LAZY))) {
			background.start();
			lazy.start();
			background.get();
			lazy.get();
			assertThat(schedulerThreads("mode-bg")).hasSize(1);
			assertThat(schedulerThreads("mode-lazy")).isEmpty();
		}
	}

	@Test
	void backgroundRefreshesAheadOfExpiryWithNobodyAskingLazyWaitsForAConnection() throws Exception {
		AtomicInteger serial = new AtomicInteger();
		ScriptedProvider provider = new ScriptedProvider().always(() -> DbCredential.of("app",
				"secret-" + serial.incrementAndGet(), Instant.now().plusSeconds(6)));
		ScriptedProvider lazyProvider = new ScriptedProvider().always(() -> DbCredential.of("app",
				"lazy-" + serial.incrementAndGet(), Instant.now().plusSeconds(6)));
		// A 6-second credential with before-expiry 4s is due for refresh after 3 s.
		try (CredentialCache background = new CredentialCache("ahead-bg", "test", provider, null,
				settings(RefreshMode.BACKGROUND, Duration.ofSeconds(4)));
				CredentialCache lazy = new CredentialCache("ahead-lazy", "test", lazyProvider, null,
						settings(RefreshMode.LAZY, Duration.ofSeconds(4)))) {
			background.get();
			DbCredential first = lazy.get();
			await().atMost(Duration.ofSeconds(5)).until(() -> provider.calls() >= 2);
			assertThat(lazyProvider.calls()).isEqualTo(1);
			await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(1)).until(() -> lazyProvider.calls() == 1);
			// Inside the margin, still valid: served at once, refreshed behind it.
			assertThat(lazy.get()).isSameAs(first);
			await().atMost(Duration.ofSeconds(2)).until(() -> lazyProvider.calls() == 2);
			await().atMost(Duration.ofSeconds(2)).until(() -> !lazy.get().sameLogin(first));
		}
	}

	@Test
	void lazyRefreshStartsOnTheFirstGetInsideTheMarginAndIsSharedWhileTheValidCredentialIsServed()
			throws Exception {
		MutableClock clock = new MutableClock(EPOCH);
		CountDownLatch release = new CountDownLatch(1);
		DbCredential first = DbCredential.of("app", "first-secret", EPOCH.plus(Duration.ofMinutes(10)));
		ScriptedProvider provider = new ScriptedProvider().then(() -> first).always(() -> {
			release.await();
			return DbCredential.of("app", "second-secret", EPOCH.plus(Duration.ofMinutes(20)));
		});
		try (CredentialCache cache = new CredentialCache("lazy-margin", "test", provider, null,
				settings(RefreshMode.LAZY, Duration.ofMinutes(4)), clock)) {
			assertThat(cache.get()).isSameAs(first);
			// A 10-minute credential is due 4 minutes before expiry.
			clock.advance(Duration.ofMinutes(6).minusMillis(1));
			assertThat(cache.get()).isSameAs(first);
			assertThat(cache.snapshot().refreshing()).isFalse();
			clock.advance(Duration.ofMillis(1));
			for (int i = 0; i < 50; i++) {
				assertThat(cache.get()).isSameAs(first);
			}
			assertThat(cache.snapshot().refreshing()).isTrue();
			release.countDown();
			await().atMost(Duration.ofSeconds(5)).until(() -> cache.get().sameSecret("second-secret"));
			assertThat(provider.calls()).isEqualTo(2);
		}
	}

	@Test
	void failedLazyRefreshKeepsServingTheValidCredentialAndIsRetriedOnDemandAfterThePause() throws Exception {
		MutableClock clock = new MutableClock(EPOCH);
		DbCredential first = DbCredential.of("app", "first-secret", EPOCH.plus(Duration.ofMinutes(10)));
		ScriptedProvider provider = new ScriptedProvider().then(() -> first).then(() -> {
			throw new IllegalStateException("token service unavailable");
		}).always(() -> DbCredential.of("app", "recovered-secret", EPOCH.plus(Duration.ofMinutes(20))));
		try (CredentialCache cache = new CredentialCache("lazy-failing", "test", provider, null,
				settings(RefreshMode.LAZY, Duration.ofMinutes(4)), clock)) {
			cache.get();
			clock.advance(Duration.ofMinutes(6));
			assertThat(cache.get()).isSameAs(first);
			await().atMost(Duration.ofSeconds(5)).until(() -> cache.snapshot().lastFailure() != null);
			// Within the pause after a failed refresh, demand starts nothing.
			assertThat(cache.get()).isSameAs(first);
			assertThat(cache.snapshot().refreshing()).isFalse();
			assertThat(provider.calls()).isEqualTo(2);
			clock.advance(MAX_INTERVAL);
			assertThat(cache.get()).isSameAs(first);
			await().atMost(Duration.ofSeconds(5)).until(() -> cache.get().sameSecret("recovered-secret"));
			assertThat(provider.calls()).isEqualTo(3);
		}
	}

	@Test
	void lazyGetOfAnExpiredCredentialWaitsForTheFetch() throws Exception {
		MutableClock clock = new MutableClock(EPOCH);
		ScriptedProvider provider = new ScriptedProvider()
			.then(() -> DbCredential.of("app", "first-secret", EPOCH.plus(Duration.ofMinutes(10))))
			.always(() -> DbCredential.of("app", "second-secret", EPOCH.plus(Duration.ofMinutes(30))));
		try (CredentialCache cache = new CredentialCache("lazy-expired", "test", provider, null,
				settings(RefreshMode.LAZY, Duration.ofMinutes(4)), clock)) {
			cache.get();
			// Idle through the whole margin: nothing refreshed it.
			clock.advance(Duration.ofMinutes(11));
			assertThat(provider.calls()).isEqualTo(1);
			assertThat(cache.get().sameSecret("second-secret")).isTrue();
			assertThat(provider.calls()).isEqualTo(2);
		}
	}

	private static RefreshSettings settings(RefreshMode mode) {
		return settings(mode, Duration.ofSeconds(2));
	}

	private static RefreshSettings settings(RefreshMode mode, Duration beforeExpiry) {
		return new RefreshSettings(beforeExpiry, Duration.ZERO, Duration.ofSeconds(2), Duration.ofMinutes(15),
				Duration.ZERO, new RefreshSettings.Retry(1, Duration.ofMillis(20), 2.0, MAX_INTERVAL),
				RefreshSettings.Lockout.defaults(), mode, Duration.ZERO);
	}

	/** The scheduler's threads are named after the DataSource and a number; fetch threads say "fetch". */
	private static List<String> schedulerThreads(String dataSourceName) {
		String pattern = "refreshing-datasource-" + dataSourceName + "-\\d+";
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.matches(pattern))
			.toList();
	}

}
