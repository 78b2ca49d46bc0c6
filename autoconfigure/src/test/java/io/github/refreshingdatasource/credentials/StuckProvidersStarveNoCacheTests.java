package io.github.refreshingdatasource.credentials;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Providers stuck in calls that ignore interrupts (a hung NFS mount, a socket read with no
 * timeout) on as many caches as there are shared fetch turns must not starve the other caches
 * of the application: a stuck call gives up its turn at its fetch timeout and keeps only its
 * own thread. With a plain fixed pool the healthy cache's call would queue behind the stuck
 * ones forever.
 */
class StuckProvidersStarveNoCacheTests {

	private static final int FETCH_TURNS = 2;

	private static RefreshSettings settings() {
		return new RefreshSettings(Duration.ofMillis(100), Duration.ZERO, Duration.ofMillis(200),
				Duration.ofMinutes(15), Duration.ZERO,
				new RefreshSettings.Retry(1, Duration.ofMillis(10), 2.0, Duration.ofMillis(50)),
				RefreshSettings.Lockout.defaults(), RefreshMode.BACKGROUND, Duration.ZERO);
	}

	@Test
	void healthyCacheGetsItsCredentialWhileEveryFetchTurnIsHeldByAStuckProvider() throws Exception {
		CountDownLatch hang = new CountDownLatch(1);
		AtomicInteger inside = new AtomicInteger();
		CredentialProvider stuck = () -> {
			inside.incrementAndGet();
			awaitUninterruptibly(hang);
			return DbCredential.of("app", "late", Instant.now().plusSeconds(60));
		};
		List<CredentialCache> caches = new ArrayList<>();
		try (RefreshThreads threads = new RefreshThreads("refreshing-datasource-starve-test", 4, FETCH_TURNS,
				Duration.ofMillis(200))) {
			for (int i = 0; i < FETCH_TURNS * 2; i++) {
				CredentialCache cache = new CredentialCache("stuck-" + i, "test", stuck, null, settings(), threads);
				caches.add(cache);
				cache.start();
			}
			// Every turn has been taken by a stuck call and given up at its timeout; more stuck
			// caches than turns got in after them.
			await().atMost(Duration.ofSeconds(10)).until(() -> inside.get() == FETCH_TURNS * 2);
			CredentialCache healthy = new CredentialCache("healthy", "test",
					() -> DbCredential.of("app", "fresh", Instant.now().plusSeconds(60)), null, settings(), threads);
			caches.add(healthy);
			healthy.start();
			assertThat(healthy.get().secret()).isEqualTo("fresh");
			// One thread per stuck cache, plus the bounded turns, the scheduler and the refresh threads.
			assertThat(threads.liveThreads()).isLessThanOrEqualTo(FETCH_TURNS * 2 + FETCH_TURNS + 1 + 4);
			// Each stuck cache still holds exactly one call inside its provider.
			for (CredentialCache cache : caches.subList(0, FETCH_TURNS * 2)) {
				cache.refresh(RefreshCause.MANUAL);
			}
			await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
				.until(() -> inside.get() == FETCH_TURNS * 2);
		}
		finally {
			caches.forEach(CredentialCache::close);
			hang.countDown();
		}
	}

	@Test
	void aWaitingCallKeepsItsPlaceAndRunsWhenATurnIsGivenUpUnlessCancelled() throws Exception {
		CountDownLatch hang = new CountDownLatch(1);
		CountDownLatch ran = new CountDownLatch(1);
		try (RefreshThreads threads = new RefreshThreads("refreshing-datasource-turns-test", 1, 1,
				Duration.ofMillis(200))) {
			FetchThreads fetches = threads.fetches();
			FetchThreads.Slot first = fetches.execute(() -> awaitUninterruptibly(hang));
			FetchThreads.Slot second = fetches.execute(ran::countDown);
			AtomicInteger cancelledRuns = new AtomicInteger();
			FetchThreads.Slot third = fetches.execute(cancelledRuns::incrementAndGet);
			assertThat(fetches.waiting()).isEqualTo(2);
			// Releasing a waiting call's turn does nothing: it holds none yet.
			second.release();
			assertThat(third.cancel()).isTrue();
			assertThat(fetches.waiting()).isEqualTo(1);
			assertThat(first.cancel()).as("a running call cannot be cancelled").isFalse();
			first.release();
			first.release();
			assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
			await().atMost(Duration.ofSeconds(2)).until(() -> fetches.running() == 0 && fetches.waiting() == 0);
			assertThat(cancelledRuns.get()).isZero();
		}
		finally {
			hang.countDown();
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

}
