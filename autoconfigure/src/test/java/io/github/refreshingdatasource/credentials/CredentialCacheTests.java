package io.github.refreshingdatasource.credentials;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Tests for {@link CredentialCache}. Each test uses its own DataSource name, so thread
 * names do not clash between tests.
 */
class CredentialCacheTests {

	private static final Duration FETCH_TIMEOUT = Duration.ofMillis(500);

	private static final Duration INITIAL_INTERVAL = Duration.ofMillis(20);

	private static final Duration MAX_INTERVAL = Duration.ofMillis(100);

	private static final Instant EPOCH = Instant.parse("2030-01-01T00:00:00Z");

	// 1. Hot path

	@Test
	void getWhileValidDoesNotCallTheProvider() throws Exception {
		ScriptedProvider provider = new ScriptedProvider().always(() -> credential("app", "hot-secret", null));
		try (CredentialCache cache = cache("hot", provider)) {
			DbCredential first = cache.get();
			for (int i = 0; i < 10_000; i++) {
				assertThat(cache.get()).isSameAs(first);
			}
			assertThat(provider.calls()).isEqualTo(1);
		}
	}

	// 2. Single flight

	@Test
	void concurrentCallersOnAColdCacheShareOneFetch() throws Exception {
		CountDownLatch fetching = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		ScriptedProvider provider = new ScriptedProvider().always(() -> {
			fetching.countDown();
			release.await();
			return credential("app", "shared-secret", null);
		});
		RefreshSettings settings = settings(Duration.ofSeconds(10), 3);
		try (CredentialCache cache = new CredentialCache("single", "test", provider, null, settings)) {
			CountDownLatch gate = new CountDownLatch(1);
			Queue<Object> results = new ConcurrentLinkedQueue<>();
			List<Thread> callers = new ArrayList<>();
			for (int i = 0; i < 50; i++) {
				Thread caller = new Thread(() -> {
					try {
						gate.await();
						results.add(cache.get());
					}
					catch (Exception ex) {
						results.add(ex);
					}
				}, "caller-" + i);
				caller.start();
				callers.add(caller);
			}
			gate.countDown();
			assertThat(fetching.await(5, TimeUnit.SECONDS)).isTrue();
			// All 50 are parked waiting for the fetch (a timed wait), none has a credential yet.
			await().atMost(Duration.ofSeconds(5))
				.until(() -> callers.stream().allMatch((caller) -> caller.getState() == Thread.State.TIMED_WAITING));
			release.countDown();
			for (Thread caller : callers) {
				caller.join(TimeUnit.SECONDS.toMillis(5));
			}
			assertThat(results).hasSize(50);
			assertThat(results).allSatisfy((result) -> assertThat(result).isInstanceOf(DbCredential.class));
			assertThat(results.stream().map((result) -> ((DbCredential) result).fingerprint()).distinct())
				.containsExactly(DbCredential.fingerprintOf("shared-secret"));
			assertThat(Set.copyOf(results.stream().toList())).hasSize(1);
			assertThat(provider.calls()).isEqualTo(1);
		}
	}

	@Test
	void callerThatSawAnExpiredCredentialTakesTheOneFetchedMeanwhile() throws Exception {
		MutableClock clock = new MutableClock(EPOCH);
		AtomicInteger serial = new AtomicInteger();
		ScriptedProvider provider = new ScriptedProvider().always(() -> credential("app",
				"expiring-" + serial.incrementAndGet(), clock.instant().plus(Duration.ofMinutes(10))));
		try (CredentialCache cache = new CredentialCache("straggler", "test", provider, null,
				settings(Duration.ofSeconds(10), 1), clock)) {
			cache.get();
			clock.advance(Duration.ofMinutes(11));
			AtomicReference<Object> result = new AtomicReference<>();
			Thread caller = new Thread(() -> {
				try {
					result.set(cache.get());
				}
				catch (Exception ex) {
					result.set(ex);
				}
			}, "straggler-caller");
			// The caller reads the expired credential, then stops at its clock read while a
			// refresh completes and clears the in-flight fetch.
			clock.pauseNextRead(caller);
			caller.start();
			clock.awaitPaused();
			assertThat(cache.refresh().get(5, TimeUnit.SECONDS).sameSecret("expiring-2")).isTrue();
			clock.resumePaused();
			caller.join(TimeUnit.SECONDS.toMillis(5));
			assertThat(result.get()).isInstanceOfSatisfying(DbCredential.class,
					(credential) -> assertThat(credential.sameSecret("expiring-2")).isTrue());
			assertThat(provider.calls()).isEqualTo(2);
		}
	}

	// 3. Retries

	@Test
	void failedAttemptsAreRetried() throws Exception {
		ScriptedProvider provider = new ScriptedProvider().then(failing(new IllegalStateException("down 1")))
			.then(failing(new IllegalStateException("down 2")))
			.then(() -> credential("app", "retry-secret", null));
		RecordingListener listener = new RecordingListener();
		try (CredentialCache cache = cache("retries", provider)) {
			cache.addListener(listener);
			DbCredential credential = cache.get();
			assertThat(credential.sameSecret("retry-secret")).isTrue();
			assertThat(provider.calls()).isEqualTo(3);
			assertThat(listener.retried).hasValue(2);
			assertThat(listener.succeeded).hasValue(1);
			assertThat(listener.failed).hasValue(0);
			assertThat(listener.lastCause).isEqualTo(RefreshCause.STARTUP);
		}
	}

	// 4. Serve the still-valid credential while refreshes fail; recover by schedule

	@Test
	void stillValidCredentialIsServedWhileRefreshesFailAndScheduleRecovers() throws Exception {
		ScriptedProvider provider = new ScriptedProvider()
			.then(() -> credential("app", "valid-secret", Instant.now().plusMillis(1500)));
		try (CredentialCache cache = cache("serving", provider)) {
			DbCredential valid = cache.get();
			provider.always(failing(new IllegalStateException("vault sealed")));

			CompletableFuture<DbCredential> refresh = cache.refresh();
			await().atMost(Duration.ofSeconds(2)).until(refresh::isDone);
			assertThat(refresh).isCompletedExceptionally();
			assertThat(cache.get()).isSameAs(valid);
			CredentialSnapshot snapshot = cache.snapshot();
			assertThat(snapshot.valid()).isTrue();
			assertThat(snapshot.lastFailure()).isEqualTo(new CredentialSnapshot.Failure("IllegalStateException", "vault sealed"));
			assertThat(snapshot.lastFailureAt()).isNotNull();

			await().atMost(Duration.ofSeconds(3)).until(() -> !cache.snapshot().valid());
			assertThatExceptionOfType(CredentialUnavailableException.class).isThrownBy(cache::get)
				.withMessageContaining("serving")
				.withMessageContaining("test")
				.withMessageContaining("IllegalStateException: vault sealed")
				.withMessageNotContaining("valid-secret")
				.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("08001"));

			int callsBeforeRecovery = provider.calls();
			provider.always(() -> credential("app", "recovered-secret", null));
			// Nobody calls get(): the retry scheduled after the failed refresh recovers.
			await().atMost(MAX_INTERVAL.plusSeconds(1)).until(() -> cache.snapshot().valid());
			assertThat(provider.calls()).isGreaterThan(callsBeforeRecovery);
			assertThat(cache.snapshot().fingerprint()).isEqualTo(DbCredential.fingerprintOf("recovered-secret"));
			assertThat(cache.snapshot().lastFailure()).isNull();
		}
	}

	// 5. Hung provider

	@Test
	void hungProviderIsCutOffAtFetchTimeoutAndInterrupted() throws Exception {
		CountDownLatch interrupted = new CountDownLatch(1);
		ScriptedProvider provider = new ScriptedProvider().always(() -> {
			try {
				new CountDownLatch(1).await();
			}
			catch (InterruptedException ex) {
				interrupted.countDown();
				throw ex;
			}
			throw new AssertionError("unreachable");
		});
		RefreshSettings settings = settings(Duration.ofMillis(300), 1);
		try (CredentialCache cache = new CredentialCache("hung", "test", provider, null, settings)) {
			long started = System.nanoTime();
			CredentialUnavailableException ex = assertTimeoutPreemptively(Duration.ofSeconds(2),
					() -> catchUnavailable(cache));
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
			assertThat(ex.getMessage()).contains("fetch-timeout", "hung");
			assertThat(interrupted.await(2, TimeUnit.SECONDS)).as("provider thread interrupted").isTrue();
		}
	}

	// 6. Rejection

	@Test
	void invalidateCurrentFetchesANewCredentialAndIgnoresOthers() throws Exception {
		AtomicInteger serial = new AtomicInteger();
		ScriptedProvider provider = new ScriptedProvider()
			.always(() -> credential("app", "rotating-" + serial.incrementAndGet(), null));
		RecordingListener listener = new RecordingListener();
		try (CredentialCache cache = cache("rejecting", provider)) {
			cache.addListener(listener);
			DbCredential first = cache.get();
			assertThat(provider.calls()).isEqualTo(1);

			cache.invalidate(first);
			DbCredential second = cache.get();
			assertThat(second.sameLogin(first)).isFalse();
			assertThat(second.sameSecret("rotating-2")).isTrue();
			assertThat(provider.calls()).isEqualTo(2);

			cache.invalidate(credential("app", "someone-elses", null));
			cache.invalidate(first);
			assertThat(cache.snapshot().refreshing()).isFalse();
			assertThat(cache.get()).isSameAs(second);
			assertThat(provider.calls()).isEqualTo(2);
			assertThat(listener.rejected).hasValue(3);
		}
	}

	@Test
	void sourceReturningTheRejectedCredentialAgainIsReFetchedWithBackOff() throws Exception {
		MutableClock clock = new MutableClock(EPOCH);
		DbCredential stale = credential("app", "stale-secret", null);
		ScriptedProvider provider = new ScriptedProvider().always(() -> stale);
		RecordingListener listener = new RecordingListener();
		// The lockout guard would pause after 3 of these rejections; LockoutGuardTests cover it.
		// Every fetch is awaited by get(); none may time out on a loaded machine, or a late
		// answer's retry would blur the count this test is about.
		RefreshSettings settings = new RefreshSettings(Duration.ZERO, Duration.ZERO, Duration.ofSeconds(30),
				Duration.ofMinutes(15), Duration.ZERO, retry(3), RefreshSettings.Lockout.off(), RefreshMode.BACKGROUND,
				Duration.ZERO);
		try (CredentialCache cache = new CredentialCache("stale", "test", provider, null, settings, clock)) {
			cache.addListener(listener);
			assertThat(cache.get()).isSameAs(stale);

			cache.invalidate(stale);
			assertThat(cache.get()).isSameAs(stale);
			assertThat(provider.calls()).isEqualTo(2);

			// Backing off: the source just returned the same credential.
			cache.invalidate(stale);
			assertThat(cache.snapshot().refreshing()).isFalse();
			assertThat(cache.get()).isSameAs(stale);
			assertThat(provider.calls()).isEqualTo(2);

			clock.advance(INITIAL_INTERVAL);
			cache.invalidate(stale);
			assertThat(cache.get()).isSameAs(stale);
			assertThat(provider.calls()).isEqualTo(3);

			// The back-off doubles while the source keeps returning it.
			clock.advance(INITIAL_INTERVAL);
			cache.invalidate(stale);
			assertThat(cache.get()).isSameAs(stale);
			assertThat(provider.calls()).isEqualTo(3);
			clock.advance(INITIAL_INTERVAL);
			cache.invalidate(stale);
			assertThat(cache.get()).isSameAs(stale);
			assertThat(provider.calls()).isEqualTo(4);

			assertThat(listener.rejected).hasValue(5);
		}
	}

	// 7. Refresh schedule

	@Test
	void refreshDelayFollowsTheScheduleRules() {
		try (CredentialCache cache = cacheWith(Duration.ofMinutes(4), Duration.ZERO, Duration.ZERO)) {
			long now = EPOCH.toEpochMilli();
			assertThat(cache.refreshDelay(current(null), now)).isEqualTo(Duration.ofMinutes(15).toMillis());
			assertThat(cache.refreshDelay(current(Duration.ofHours(2)), now)).isEqualTo(Duration.ofHours(1).toMillis());
			assertThat(cache.refreshDelay(current(Duration.ofMinutes(10)), now))
				.isEqualTo(Duration.ofMinutes(6).toMillis());
			assertThat(cache.refreshDelay(current(Duration.ofSeconds(2)), now)).isEqualTo(1000);
		}
	}

	@Test
	void refreshDelayIsNeverBelowMinInterval() {
		try (CredentialCache cache = cacheWith(Duration.ofMinutes(4), Duration.ZERO, Duration.ofSeconds(5))) {
			long now = EPOCH.toEpochMilli();
			assertThat(cache.refreshDelay(current(Duration.ofSeconds(2)), now)).isEqualTo(5000);
			assertThat(cache.refreshDelay(current(Duration.ofMinutes(10)), now))
				.isEqualTo(Duration.ofMinutes(6).toMillis());
		}
	}

	@Test
	void jitterBringsTheRefreshForwardByAtMostItselfAndAQuarterOfTheDelay() {
		try (CredentialCache cache = cacheWith(Duration.ofMinutes(4), Duration.ofSeconds(30), Duration.ZERO)) {
			long now = EPOCH.toEpochMilli();
			List<Long> tenMinutes = new ArrayList<>();
			List<Long> twoSeconds = new ArrayList<>();
			for (int i = 0; i < 1000; i++) {
				tenMinutes.add(cache.refreshDelay(current(Duration.ofMinutes(10)), now));
				twoSeconds.add(cache.refreshDelay(current(Duration.ofSeconds(2)), now));
			}
			long sixMinutes = Duration.ofMinutes(6).toMillis();
			assertThat(tenMinutes).allSatisfy((delay) -> assertThat(delay).isBetween(sixMinutes - 30_000, sixMinutes));
			assertThat(tenMinutes.stream().distinct().count()).as("jitter varies").isGreaterThan(1);
			// Delay 1 s: jitter capped at 250 ms, not 30 s.
			assertThat(twoSeconds).allSatisfy((delay) -> assertThat(delay).isBetween(750L, 1000L));
		}
	}

	// 8. Clock skew

	@Test
	void credentialStatedAsAlreadyExpiredIsServedForTheGrace() throws Exception {
		MutableClock clock = new MutableClock(EPOCH);
		ScriptedProvider provider = new ScriptedProvider()
			.always(() -> credential("app", "skewed-secret", clock.instant().minus(Duration.ofMinutes(5))));
		try (CredentialCache cache = new CredentialCache("skewed", "test", provider, null, settings(), clock)) {
			assertThat(cache.get().sameSecret("skewed-secret")).isTrue();
			assertThat(cache.snapshot().expiresAt()).isEqualTo(EPOCH.plus(RefreshSchedule.PAST_EXPIRY_GRACE));
			assertThat(RefreshSchedule.PAST_EXPIRY_GRACE).isEqualTo(Duration.ofMinutes(1));
			assertThat(cache.snapshot().valid()).isTrue();
			cache.get();
			assertThat(provider.calls()).isEqualTo(1);
		}
	}

	@Test
	void credentialStatedToLiveYearsIsClampedToMaxLifetime() throws Exception {
		MutableClock clock = new MutableClock(EPOCH);
		ScriptedProvider provider = new ScriptedProvider()
			.always(() -> credential("app", "forever-secret", clock.instant().plus(Duration.ofDays(5 * 365))));
		try (CredentialCache cache = new CredentialCache("clamped", "test", provider, null, settings(), clock)) {
			cache.get();
			assertThat(RefreshSchedule.MAX_LIFETIME).isEqualTo(Duration.ofHours(24));
			assertThat(cache.snapshot().expiresAt()).isEqualTo(EPOCH.plus(RefreshSchedule.MAX_LIFETIME));
		}
	}

	@Test
	void clampedCredentialFetchedAgainAfterItsLifetimeIsValidAgain() throws Exception {
		MutableClock clock = new MutableClock(EPOCH);
		Instant statedExpiry = EPOCH.plus(Duration.ofDays(5 * 365));
		ScriptedProvider provider = new ScriptedProvider().always(() -> credential("app", "forever-secret", statedExpiry));
		try (CredentialCache cache = new CredentialCache("reclamped", "test", provider, null, settings(), clock)) {
			cache.get();
			clock.advance(RefreshSchedule.MAX_LIFETIME.plusSeconds(1));
			assertThat(cache.get().sameSecret("forever-secret")).isTrue();
			assertThat(provider.calls()).isEqualTo(2);
			for (int i = 0; i < 100; i++) {
				cache.get();
			}
			assertThat(provider.calls()).isEqualTo(2);
			assertThat(cache.snapshot().valid()).isTrue();
			assertThat(cache.snapshot().expiresAt()).isEqualTo(clock.instant().plus(RefreshSchedule.MAX_LIFETIME));
		}
	}

	@Test
	void alreadyExpiredCredentialFetchedAgainAfterTheGraceGetsAnotherGrace() throws Exception {
		MutableClock clock = new MutableClock(EPOCH);
		Instant statedExpiry = EPOCH.minus(Duration.ofMinutes(5));
		ScriptedProvider provider = new ScriptedProvider().always(() -> credential("app", "skewed-secret", statedExpiry));
		try (CredentialCache cache = new CredentialCache("regrace", "test", provider, null, settings(), clock)) {
			cache.get();
			clock.advance(RefreshSchedule.PAST_EXPIRY_GRACE.plusSeconds(1));
			cache.get();
			assertThat(provider.calls()).isEqualTo(2);
			for (int i = 0; i < 100; i++) {
				cache.get();
			}
			assertThat(provider.calls()).isEqualTo(2);
			assertThat(cache.snapshot().expiresAt()).isEqualTo(clock.instant().plus(RefreshSchedule.PAST_EXPIRY_GRACE));
		}
	}

	// 9. Default username

	@Test
	void credentialWithoutUsernameGetsTheDefault() throws Exception {
		ScriptedProvider provider = new ScriptedProvider().always(() -> credential(null, "anonymous-secret", null));
		try (CredentialCache cache = new CredentialCache("defaulted", "test", provider, "app_user", settings())) {
			DbCredential credential = cache.get();
			assertThat(credential.username()).isEqualTo("app_user");
			assertThat(credential.sameSecret("anonymous-secret")).isTrue();
			assertThat(cache.snapshot().username()).isEqualTo("app_user");
		}
	}

	@Test
	void credentialWithoutUsernameAndNoDefaultFails() {
		ScriptedProvider provider = new ScriptedProvider().always(() -> credential(null, "anonymous-secret", null));
		try (CredentialCache cache = cache("nameless", provider)) {
			assertThatExceptionOfType(CredentialUnavailableException.class).isThrownBy(cache::get)
				.withMessageContaining("nameless")
				.withMessageContaining("refreshing.datasource.username")
				.withMessageNotContaining("anonymous-secret");
			assertThat(cache.snapshot().hasCredential()).isFalse();
		}
	}

	// 10. close()

	@Test
	void closeCancelsTheFetchInFlightAndStopsItsThreads() throws Exception {
		CountDownLatch fetching = new CountDownLatch(1);
		CountDownLatch interrupted = new CountDownLatch(1);
		ScriptedProvider provider = new ScriptedProvider().always(() -> {
			fetching.countDown();
			try {
				new CountDownLatch(1).await();
			}
			catch (InterruptedException ex) {
				interrupted.countDown();
				throw ex;
			}
			throw new AssertionError("unreachable");
		});
		CredentialCache cache = new CredentialCache("closing", "test", provider, null,
				settings(Duration.ofSeconds(10), 3));
		try (cache) {
			cache.start();
			assertThat(fetching.await(5, TimeUnit.SECONDS)).isTrue();
			assertThat(threadsOf("closing")).isNotEmpty();
			CompletableFuture<DbCredential> inFlight = cache.refresh();
			cache.close();
			assertThat(interrupted.await(2, TimeUnit.SECONDS)).as("provider thread interrupted").isTrue();
			assertThat(inFlight).isCancelled();
			assertThat(cache.snapshot().refreshing()).isFalse();
			assertThat(cache.snapshot().nextRefreshAt()).isNull();
			await().atMost(Duration.ofSeconds(3)).until(() -> threadsOf("closing").isEmpty());
			assertThat(provider.calls()).isEqualTo(1);
		}
	}

	@Test
	void closeTellsAWaitingCallerTheCacheWasClosed() throws Exception {
		CountDownLatch fetching = new CountDownLatch(1);
		ScriptedProvider provider = new ScriptedProvider().always(() -> {
			fetching.countDown();
			new CountDownLatch(1).await();
			throw new AssertionError("unreachable");
		});
		try (CredentialCache cache = new CredentialCache("closed-wait", "test", provider, null,
				settings(Duration.ofSeconds(10), 3))) {
			CompletableFuture<CredentialUnavailableException> caller = CompletableFuture
				.supplyAsync(() -> catchUnavailable(cache));
			assertThat(fetching.await(5, TimeUnit.SECONDS)).isTrue();
			cache.close();
			assertThat(caller.get(5, TimeUnit.SECONDS).getMessage()).contains("closed-wait", "the cache was closed");
		}
	}

	// 11. No secret in text

	@Test
	void textNeverContainsTheSecret() throws Exception {
		ScriptedProvider provider = new ScriptedProvider().always(() -> credential("app", "hunter2-secret", null));
		try (CredentialCache cache = cache("texts", provider)) {
			DbCredential credential = cache.get();
			assertThat(cache.toString()).contains("texts").doesNotContain("hunter2-secret");
			assertThat(cache.snapshot().toString()).contains(credential.fingerprint()).doesNotContain("hunter2-secret");
			assertThat(credential.toString()).contains("app")
				.contains(credential.fingerprint())
				.doesNotContain("hunter2-secret");
		}
	}

	@Test
	void fingerprintIsEightHexCharactersAndTellsSecretsApart() {
		DbCredential one = credential("app", "secret-one", null);
		DbCredential two = credential("app", "secret-two", null);
		assertThat(one.fingerprint()).matches("[0-9a-f]{8}");
		assertThat(two.fingerprint()).matches("[0-9a-f]{8}");
		assertThat(one.fingerprint()).isNotEqualTo(two.fingerprint());
		assertThat(credential("other", "secret-one", Instant.now()).fingerprint()).isEqualTo(one.fingerprint());
	}

	// 12. Manual refresh

	@Test
	void manualRefreshJoinsTheFetchInFlight() throws Exception {
		CountDownLatch fetching = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		ScriptedProvider provider = new ScriptedProvider().always(() -> {
			fetching.countDown();
			release.await();
			return credential("app", "joined-secret", null);
		});
		RecordingListener listener = new RecordingListener();
		try (CredentialCache cache = cache("joining", provider)) {
			cache.addListener(listener);
			cache.start();
			assertThat(fetching.await(5, TimeUnit.SECONDS)).isTrue();
			CompletableFuture<DbCredential> first = cache.refresh();
			CompletableFuture<DbCredential> second = cache.refresh();
			assertThat(second).isSameAs(first);
			assertThat(cache.snapshot().refreshing()).isTrue();
			release.countDown();
			assertThat(first.get(5, TimeUnit.SECONDS).sameSecret("joined-secret")).isTrue();
			assertThat(provider.calls()).isEqualTo(1);
			assertThat(listener.succeeded).hasValue(1);
			assertThat(listener.lastCause).isEqualTo(RefreshCause.STARTUP);

			// Nothing in flight now: a manual refresh fetches.
			assertThat(cache.refresh().get(5, TimeUnit.SECONDS).sameSecret("joined-secret")).isTrue();
			assertThat(provider.calls()).isEqualTo(2);
			assertThat(listener.lastCause).isEqualTo(RefreshCause.MANUAL);
		}
	}

	// Helpers

	private static CredentialCache cache(String name, CredentialProvider provider) {
		return new CredentialCache(name, "test", provider, null, settings());
	}

	private static CredentialCache cacheWith(Duration beforeExpiry, Duration jitter, Duration minInterval) {
		RefreshSettings settings = new RefreshSettings(beforeExpiry, jitter, FETCH_TIMEOUT, Duration.ofMinutes(15),
				minInterval, retry(3), RefreshSettings.Lockout.defaults(), RefreshMode.BACKGROUND, Duration.ZERO);
		return new CredentialCache("schedule", "test", CredentialCacheTests::unused, null, settings,
				new MutableClock(EPOCH));
	}

	private static DbCredential unused() {
		throw new AssertionError("provider not expected to be called");
	}

	private static ServedCredential current(@Nullable Duration lifetime) {
		DbCredential credential = credential("app", "scheduled-secret", null);
		return new ServedCredential(credential, (lifetime != null) ? EPOCH.plus(lifetime) : null, EPOCH, false);
	}

	private static RefreshSettings settings() {
		return settings(FETCH_TIMEOUT, 3);
	}

	private static RefreshSettings settings(Duration fetchTimeout, int attempts) {
		return new RefreshSettings(Duration.ZERO, Duration.ZERO, fetchTimeout, Duration.ofMinutes(15), Duration.ZERO,
				retry(attempts), RefreshSettings.Lockout.defaults(), RefreshMode.BACKGROUND, Duration.ZERO);
	}

	private static RefreshSettings.Retry retry(int attempts) {
		return new RefreshSettings.Retry(attempts, INITIAL_INTERVAL, 2.0, MAX_INTERVAL);
	}

	private static DbCredential credential(@Nullable String username, String secret, @Nullable Instant expiresAt) {
		return DbCredential.of(username, secret, expiresAt);
	}

	private static Callable<DbCredential> failing(Exception failure) {
		return () -> {
			throw failure;
		};
	}

	private static CredentialUnavailableException catchUnavailable(CredentialCache cache) {
		try {
			DbCredential credential = cache.get();
			throw new AssertionError("expected CredentialUnavailableException, got " + credential);
		}
		catch (CredentialUnavailableException ex) {
			return ex;
		}
	}

	private static List<String> threadsOf(String dataSourceName) {
		String prefix = "refreshing-datasource-" + dataSourceName + "-";
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.startsWith(prefix))
			.collect(Collectors.toList());
	}

	/** Answers from a script, then from a fallback; counts calls. */
	static final class ScriptedProvider implements CredentialProvider {

		private final AtomicInteger calls = new AtomicInteger();

		private final Queue<Callable<DbCredential>> script = new ConcurrentLinkedQueue<>();

		private volatile Callable<DbCredential> fallback = failing(new IllegalStateException("script exhausted"));

		ScriptedProvider then(Callable<DbCredential> answer) {
			this.script.add(answer);
			return this;
		}

		ScriptedProvider always(Callable<DbCredential> answer) {
			this.fallback = answer;
			return this;
		}

		int calls() {
			return this.calls.get();
		}

		@Override
		public DbCredential fetch() throws Exception {
			this.calls.incrementAndGet();
			Callable<DbCredential> next = this.script.poll();
			return ((next != null) ? next : this.fallback).call();
		}

	}

	static final class RecordingListener implements CredentialCacheListener {

		final AtomicInteger succeeded = new AtomicInteger();

		final AtomicInteger failed = new AtomicInteger();

		final AtomicInteger retried = new AtomicInteger();

		final AtomicInteger rejected = new AtomicInteger();

		volatile @Nullable RefreshCause lastCause;

		@Override
		public void refreshSucceeded(CredentialCache cache, RefreshCause cause, Duration duration,
				DbCredential credential, boolean rotated) {
			this.lastCause = cause;
			this.succeeded.incrementAndGet();
		}

		@Override
		public void refreshFailed(CredentialCache cache, RefreshCause cause, Duration duration, Throwable failure) {
			this.lastCause = cause;
			this.failed.incrementAndGet();
		}

		@Override
		public void fetchRetried(CredentialCache cache) {
			this.retried.incrementAndGet();
		}

		@Override
		public void credentialRejected(CredentialCache cache, DbCredential rejected) {
			this.rejected.incrementAndGet();
		}

	}

	/** A clock that moves only when told; the cache's executors still run in real time. */
	static final class MutableClock extends Clock {

		private final AtomicLong millis;

		private final CountDownLatch paused = new CountDownLatch(1);

		private final CountDownLatch resume = new CountDownLatch(1);

		private volatile @Nullable Thread pauseThread;

		MutableClock(Instant start) {
			this.millis = new AtomicLong(start.toEpochMilli());
		}

		void advance(Duration duration) {
			this.millis.addAndGet(duration.toMillis());
		}

		/** Make the given thread's next {@link #millis()} wait for {@link #resumePaused()}. */
		void pauseNextRead(Thread thread) {
			this.pauseThread = thread;
		}

		void awaitPaused() throws InterruptedException {
			assertThat(this.paused.await(5, TimeUnit.SECONDS)).as("clock read paused").isTrue();
		}

		void resumePaused() {
			this.resume.countDown();
		}

		@Override
		public long millis() {
			if (Thread.currentThread() == this.pauseThread) {
				this.pauseThread = null;
				this.paused.countDown();
				try {
					this.resume.await(5, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return this.millis.get();
		}

		@Override
		public Instant instant() {
			return Instant.ofEpochMilli(this.millis.get());
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			throw new UnsupportedOperationException();
		}

	}

}
