package io.github.refreshingdatasource.credentials;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * When a {@link CredentialCache} refreshes, how long it waits for its provider, and how it
 * retries.
 *
 * @param beforeExpiry how long before expiry a credential that lives less than an hour is
 * refreshed (at most half its lifetime)
 * @param jitter the largest random amount by which a scheduled refresh is brought forward
 * (at most a quarter of the delay)
 * @param fetchTimeout how long one provider call, and a connection waiting for a
 * credential, may take
 * @param defaultLifetime how often a credential without a stated expiry is fetched again
 * @param minInterval the shortest time between two scheduled refreshes
 * @param retry how a failed fetch is retried
 */
public record RefreshSettings(Duration beforeExpiry, Duration jitter, Duration fetchTimeout, Duration defaultLifetime,
		Duration minInterval, Retry retry) {

	public RefreshSettings {
		Assert.isTrue(!beforeExpiry.isNegative(), "beforeExpiry must not be negative");
		Assert.isTrue(!jitter.isNegative(), "jitter must not be negative");
		Assert.isTrue(isPositive(fetchTimeout), "fetchTimeout must be positive");
		Assert.isTrue(isPositive(defaultLifetime), "defaultLifetime must be positive");
		Assert.isTrue(!minInterval.isNegative(), "minInterval must not be negative");
		Assert.notNull(retry, "retry must not be null");
	}

	/**
	 * The defaults: refresh 4 minutes before expiry with up to 30 s of jitter, 10 s fetch
	 * timeout, 15 minutes for credentials without expiry, at least 1 s between refreshes,
	 * 5 attempts backing off from 200 ms doubling to 10 s.
	 * @return the default settings
	 */
	public static RefreshSettings defaults() {
		return new RefreshSettings(Duration.ofMinutes(4), Duration.ofSeconds(30), Duration.ofSeconds(10),
				Duration.ofMinutes(15), Duration.ofSeconds(1), Retry.defaults());
	}

	private static boolean isPositive(Duration duration) {
		return !duration.isNegative() && !duration.isZero();
	}

	/**
	 * How a failed fetch is retried: exponential backoff with jitter.
	 *
	 * @param maxAttempts attempts per refresh, the first included
	 * @param initialInterval wait before the second attempt
	 * @param multiplier factor applied to the wait after each attempt
	 * @param maxInterval the longest wait between attempts; also the pause after a refresh
	 * that failed every attempt before the next one
	 */
	public record Retry(int maxAttempts, Duration initialInterval, double multiplier, Duration maxInterval) {

		public Retry {
			Assert.isTrue(maxAttempts >= 1, "maxAttempts must be at least 1");
			Assert.isTrue(isPositive(initialInterval), "initialInterval must be positive");
			Assert.isTrue(multiplier >= 1, "multiplier must be at least 1");
			Assert.isTrue(maxInterval.compareTo(initialInterval) >= 0, "maxInterval must not be less than initialInterval");
		}

		public static Retry defaults() {
			return new Retry(5, Duration.ofMillis(200), 2.0, Duration.ofSeconds(10));
		}

	}

}
