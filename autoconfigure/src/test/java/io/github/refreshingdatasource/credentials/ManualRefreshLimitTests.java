package io.github.refreshingdatasource.credentials;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The manual-refresh rate limit on its own: a clock in millis, no cache. */
class ManualRefreshLimitTests {

	@Test
	void oneRefreshPerIntervalFromTheFirstOn() {
		ManualRefreshLimit limit = new ManualRefreshLimit(Duration.ofSeconds(10));
		assertThat(limit.tryAcquire(1_000)).isTrue();
		assertThat(limit.tryAcquire(1_000)).isFalse();
		assertThat(limit.tryAcquire(10_999)).isFalse();
		assertThat(limit.nextAllowed()).isEqualTo(Instant.ofEpochMilli(11_000));
		assertThat(limit.tryAcquire(11_000)).isTrue();
		assertThat(limit.nextAllowed()).isEqualTo(Instant.ofEpochMilli(21_000));
	}

	@Test
	void refusedRequestsDoNotPushTheNextOneBack() {
		ManualRefreshLimit limit = new ManualRefreshLimit(Duration.ofSeconds(10));
		assertThat(limit.tryAcquire(0)).isTrue();
		for (long now = 1_000; now < 10_000; now += 1_000) {
			assertThat(limit.tryAcquire(now)).isFalse();
		}
		assertThat(limit.tryAcquire(10_000)).isTrue();
	}

	@Test
	void zeroTurnsTheLimitOff() {
		ManualRefreshLimit limit = new ManualRefreshLimit(Duration.ZERO);
		for (int i = 0; i < 5; i++) {
			assertThat(limit.tryAcquire(42)).isTrue();
		}
	}

	@Test
	void callersAtTheSameInstantLetExactlyOneThrough() throws Exception {
		ManualRefreshLimit limit = new ManualRefreshLimit(Duration.ofSeconds(10));
		int callers = 8;
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService threads = Executors.newFixedThreadPool(callers);
		try {
			List<Future<Boolean>> answers = new ArrayList<>();
			for (int i = 0; i < callers; i++) {
				answers.add(threads.submit(() -> {
					start.await();
					return limit.tryAcquire(5_000);
				}));
			}
			start.countDown();
			int through = 0;
			for (Future<Boolean> answer : answers) {
				through += answer.get(10, TimeUnit.SECONDS) ? 1 : 0;
			}
			assertThat(through).isEqualTo(1);
		}
		finally {
			threads.shutdownNow();
		}
	}

}
