package io.github.refreshingdatasource.autoconfigure.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheListener;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.credentials.RefreshCause;

/**
 * Counts what every cache does, from its first refresh on. The post-processor adds this
 * listener to each cache before the cache starts, while the meter registry may not exist
 * yet; {@link CredentialCacheMeterBinder} later publishes the counts as function meters.
 * Holds no meter registry, so creating it early wakes nothing else.
 */
final class CredentialCacheStatistics implements CredentialCacheListener {

	private final Map<CredentialCache, Tallies> tallies = new ConcurrentHashMap<>();

	/**
	 * The counts of one cache, created empty on first use.
	 * @param cache the cache
	 * @return its counts
	 */
	Tallies of(CredentialCache cache) {
		return this.tallies.computeIfAbsent(cache, (key) -> new Tallies());
	}

	/** Drop the counts of a cache that was unregistered. */
	void forget(CredentialCache cache) {
		this.tallies.remove(cache);
	}

	@Override
	public void refreshSucceeded(CredentialCache cache, RefreshCause cause, Duration duration, DbCredential credential,
			boolean rotated) {
		of(cache).refresh(cause, Outcome.SUCCESS).record(duration);
	}

	@Override
	public void refreshUnchanged(CredentialCache cache, RefreshCause cause, Duration duration,
			DbCredential credential) {
		of(cache).refresh(cause, Outcome.UNCHANGED).record(duration);
	}

	@Override
	public void refreshFailed(CredentialCache cache, RefreshCause cause, Duration duration, Throwable failure) {
		of(cache).refresh(cause, Outcome.FAILURE).record(duration);
	}

	@Override
	public void fetchRetried(CredentialCache cache) {
		of(cache).fetchRetries.increment();
	}

	@Override
	public void credentialRejected(CredentialCache cache, DbCredential rejected) {
		of(cache).authFailures.increment();
	}

	/**
	 * The outcome tag of a refresh: {@code success} brought the first or a different
	 * credential, {@code unchanged} returned the one already served, {@code failure} failed
	 * every attempt.
	 */
	enum Outcome {

		SUCCESS("success"), UNCHANGED("unchanged"), FAILURE("failure");

		private final String tagValue;

		Outcome(String tagValue) {
			this.tagValue = tagValue;
		}

		String tagValue() {
			return this.tagValue;
		}

	}

	/** Counts of one cache; every cause and outcome has its tally from the start. */
	static final class Tallies {

		private final RefreshTally[][] refreshes = new RefreshTally[RefreshCause.values().length][Outcome.values().length];

		final LongAdder authFailures = new LongAdder();

		final LongAdder fetchRetries = new LongAdder();

		Tallies() {
			for (RefreshTally[] byOutcome : this.refreshes) {
				for (int i = 0; i < byOutcome.length; i++) {
					byOutcome[i] = new RefreshTally();
				}
			}
		}

		RefreshTally refresh(RefreshCause cause, Outcome outcome) {
			return this.refreshes[cause.ordinal()][outcome.ordinal()];
		}

	}

	/** Count and total time of refreshes with one cause and outcome. */
	static final class RefreshTally {

		private final LongAdder count = new LongAdder();

		private final LongAdder totalNanos = new LongAdder();

		void record(Duration duration) {
			this.totalNanos.add(duration.toNanos());
			this.count.increment();
		}

		long count() {
			return this.count.sum();
		}

		double totalNanos() {
			return this.totalNanos.sum();
		}

	}

}
