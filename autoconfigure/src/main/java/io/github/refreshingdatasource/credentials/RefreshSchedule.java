package io.github.refreshingdatasource.credentials;

import java.time.Duration;
import java.time.Instant;
import java.util.function.LongUnaryOperator;

import org.jspecify.annotations.Nullable;

/**
 * The refresh maths, pure: how long a fetched credential is believed to live, and when to
 * fetch the next one. No clock and no threads, so every rule is a plain unit test (the
 * Cloud SQL connector's {@code RefreshCalculator} plays the same part).
 */
final class RefreshSchedule {

	/** How long a credential reported as already expired is used anyway (clock skew). */
	static final Duration PAST_EXPIRY_GRACE = Duration.ofMinutes(1);

	/** The longest lifetime believed; a later stated expiry is clamped to it. */
	static final Duration MAX_LIFETIME = Duration.ofHours(24);

	private static final long ONE_HOUR = Duration.ofHours(1).toMillis();

	/** How a stated expiry was adjusted, so the caller can log it. */
	enum Clamp {

		NONE, ALREADY_EXPIRED, TOO_LONG

	}

	private final RefreshSettings settings;

	RefreshSchedule(RefreshSettings settings) {
		this.settings = settings;
	}

	static Clamp clampOf(@Nullable Instant expiresAt, Instant now) {
		if (expiresAt == null) {
			return Clamp.NONE;
		}
		if (!expiresAt.isAfter(now)) {
			return Clamp.ALREADY_EXPIRED;
		}
		return expiresAt.isAfter(now.plus(MAX_LIFETIME)) ? Clamp.TOO_LONG : Clamp.NONE;
	}

	/**
	 * The expiry the cache uses: the stated one, at least {@link #PAST_EXPIRY_GRACE} from now
	 * and at most {@link #MAX_LIFETIME}.
	 */
	static @Nullable Instant effectiveExpiry(@Nullable Instant expiresAt, Instant now) {
		return switch (clampOf(expiresAt, now)) {
			case ALREADY_EXPIRED -> now.plus(PAST_EXPIRY_GRACE);
			case TOO_LONG -> now.plus(MAX_LIFETIME);
			case NONE -> expiresAt;
		};
	}

	/**
	 * Refresh at half the remaining lifetime when it is an hour or more; otherwise
	 * {@code beforeExpiry} before expiry, but never before half the lifetime has passed.
	 * Jitter brings the refresh forward by up to a quarter of the delay; the delay is never
	 * shorter than {@code minInterval}.
	 * @param effectiveExpiry the clamped expiry, {@code null} for none
	 * @param now epoch millis
	 * @param random given a bound {@code n}, a number in {@code [0, n]}
	 * @return the delay in milliseconds
	 */
	long delay(@Nullable Instant effectiveExpiry, long now, LongUnaryOperator random) {
		long delay;
		if (effectiveExpiry == null) {
			delay = this.settings.defaultLifetime().toMillis();
		}
		else {
			long remaining = effectiveExpiry.toEpochMilli() - now;
			if (remaining >= ONE_HOUR) {
				delay = remaining / 2;
			}
			else {
				delay = Math.max(remaining - this.settings.beforeExpiry().toMillis(), remaining / 2);
			}
		}
		long jitter = Math.min(this.settings.jitter().toMillis(), delay / 4);
		if (jitter > 0) {
			delay -= random.applyAsLong(jitter);
		}
		return Math.max(delay, this.settings.minInterval().toMillis());
	}

}
