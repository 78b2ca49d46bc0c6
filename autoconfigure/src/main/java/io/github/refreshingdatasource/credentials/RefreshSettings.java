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
 * @param lockout when logins pause after repeated rejections
 * @param mode whether a still-valid credential is refreshed on a schedule or on demand
 * @param manualMinInterval the shortest time between two manual refreshes that call the
 * provider ({@link CredentialCache#refresh()}); one asked for sooner is refused with a
 * {@link RefreshRateLimitedException}; zero for no limit
 */
public record RefreshSettings(Duration beforeExpiry, Duration jitter, Duration fetchTimeout, Duration defaultLifetime,
		Duration minInterval, Retry retry, Lockout lockout, RefreshMode mode, Duration manualMinInterval) {

	public RefreshSettings {
		Assert.isTrue(!beforeExpiry.isNegative(), "beforeExpiry must not be negative");
		Assert.isTrue(!jitter.isNegative(), "jitter must not be negative");
		Assert.isTrue(isPositive(fetchTimeout), "fetchTimeout must be positive");
		Assert.isTrue(isPositive(defaultLifetime), "defaultLifetime must be positive");
		Assert.isTrue(!minInterval.isNegative(), "minInterval must not be negative");
		Assert.notNull(retry, "retry must not be null");
		Assert.notNull(lockout, "lockout must not be null");
		Assert.notNull(mode, "mode must not be null");
		Assert.isTrue(!manualMinInterval.isNegative(), "manualMinInterval must not be negative");
	}

	/**
	 * The defaults: refresh 4 minutes before expiry with up to 30 s of jitter, 10 s fetch
	 * timeout, 15 minutes for credentials without expiry, at least 1 s between refreshes and
	 * 10 s between manual refreshes, 5 attempts backing off from 200 ms doubling to 10 s; logins pause after 3 rejections
	 * in a row, for 30 s doubling to 5 minutes; refresh in the background.
	 * @return the default settings
	 */
	public static RefreshSettings defaults() {
		return new RefreshSettings(Duration.ofMinutes(4), Duration.ofSeconds(30), Duration.ofSeconds(10),
				Duration.ofMinutes(15), Duration.ofSeconds(1), Retry.defaults(), Lockout.defaults(),
				RefreshMode.BACKGROUND, DEFAULT_MANUAL_MIN_INTERVAL);
	}

	/** One manual refresh per 10 s: enough for an operator, too few to lock an account. */
	public static final Duration DEFAULT_MANUAL_MIN_INTERVAL = Duration.ofSeconds(10);

	/**
	 * Return a copy with the given limit on manual refreshes.
	 * @param manualMinInterval see {@link #manualMinInterval()}
	 * @return the copy
	 */
	public RefreshSettings withManualMinInterval(Duration manualMinInterval) {
		return new RefreshSettings(this.beforeExpiry, this.jitter, this.fetchTimeout, this.defaultLifetime,
				this.minInterval, this.retry, this.lockout, this.mode, manualMinInterval);
	}

	/**
	 * Return a copy with the given refresh mode.
	 * @param mode the mode
	 * @return the copy
	 */
	public RefreshSettings withMode(RefreshMode mode) {
		return new RefreshSettings(this.beforeExpiry, this.jitter, this.fetchTimeout, this.defaultLifetime,
				this.minInterval, this.retry, this.lockout, mode, this.manualMinInterval);
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

	/**
	 * The account-lockout guard. Databases and identity providers lock an account after
	 * repeated failed logins; a pool retrying a rejected password every few milliseconds
	 * would do exactly that. After {@code maxConsecutiveRejections} rejected logins in a row
	 * with credentials that never logged in, no credential is handed out for a pause; each
	 * further rejection in the same run starts the next pause, twice as long, up to
	 * {@code maxPause}. A successful login, a manual refresh, or a different credential the
	 * source hands out during a pause (a rotator fixed it) ends the run; a new credential
	 * fetched because of a rejection or after a pause does not, since token sources return a
	 * new one on every fetch.
	 *
	 * @param maxConsecutiveRejections rejections in a row before logins pause; 0 turns the
	 * guard off
	 * @param pause the first pause
	 * @param maxPause the longest pause
	 */
	public record Lockout(int maxConsecutiveRejections, Duration pause, Duration maxPause) {

		public Lockout {
			Assert.isTrue(maxConsecutiveRejections >= 0, "maxConsecutiveRejections must not be negative");
			Assert.isTrue(isPositive(pause), "pause must be positive");
			Assert.isTrue(maxPause.compareTo(pause) >= 0, "maxPause must not be less than pause");
		}

		/**
		 * Pause after 3 rejections in a row, for 30 s doubling to 5 minutes.
		 * @return the default guard
		 */
		public static Lockout defaults() {
			return new Lockout(3, Duration.ofSeconds(30), Duration.ofMinutes(5));
		}

		/**
		 * No guard: rejected logins are retried as the pool asks.
		 * @return a guard that never pauses
		 */
		public static Lockout off() {
			return new Lockout(0, Duration.ofSeconds(30), Duration.ofMinutes(5));
		}

		/**
		 * Whether the guard ever pauses.
		 * @return {@code false} when {@code maxConsecutiveRejections} is 0
		 */
		public boolean enabled() {
			return this.maxConsecutiveRejections > 0;
		}

		/**
		 * The length of a pause: {@code pause} doubled once per earlier pause in the run, at
		 * most {@code maxPause}.
		 * @param earlierPauses pauses already taken in this run of rejections
		 * @return the pause in milliseconds
		 */
		public long pauseMillis(int earlierPauses) {
			long pause = this.pause.toMillis();
			long max = this.maxPause.toMillis();
			for (int i = 0; i < earlierPauses && pause < max; i++) {
				pause *= 2;
			}
			return Math.min(pause, max);
		}

	}

}
