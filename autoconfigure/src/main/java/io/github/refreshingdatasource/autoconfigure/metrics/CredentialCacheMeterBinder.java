package io.github.refreshingdatasource.autoconfigure.metrics;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

import io.github.refreshingdatasource.autoconfigure.metrics.CredentialCacheStatistics.Outcome;
import io.github.refreshingdatasource.autoconfigure.metrics.CredentialCacheStatistics.RefreshTally;
import io.github.refreshingdatasource.autoconfigure.metrics.CredentialCacheStatistics.Tallies;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.github.refreshingdatasource.credentials.RefreshCause;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Publishes the meters of every credential cache, including caches of DataSources created
 * after binding. Tag values come from closed sets (DataSource bean names, provider types,
 * causes, outcomes): never a username or a message.
 */
final class CredentialCacheMeterBinder implements MeterBinder {

	static final String REFRESH = "datasource.credentials.refresh";

	static final String EXPIRY = "datasource.credentials.expiry";

	static final String AGE = "datasource.credentials.age";

	static final String AUTH_FAILURES = "datasource.credentials.auth.failures";

	static final String FETCH_RETRIES = "datasource.credentials.fetch.retries";

	private static final String SECONDS = "seconds";

	private final CredentialCacheRegistry caches;

	private final CredentialCacheStatistics statistics;

	CredentialCacheMeterBinder(CredentialCacheRegistry caches, CredentialCacheStatistics statistics) {
		this.caches = caches;
		this.statistics = statistics;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.caches.whenRegistered((cache) -> bind(registry, cache));
	}

	private void bind(MeterRegistry registry, CredentialCache cache) {
		Tags tags = Tags.of("datasource", cache.getDataSourceName(), "provider", cache.getProviderType());
		Tallies tallies = this.statistics.of(cache);
		// Every cause and outcome from the start, so a rate over failures exists before the first one.
		for (RefreshCause cause : RefreshCause.values()) {
			for (Outcome outcome : Outcome.values()) {
				FunctionTimer
					.builder(REFRESH, tallies.refresh(cause, outcome), RefreshTally::count, RefreshTally::totalNanos,
							TimeUnit.NANOSECONDS)
					.description("Credential refreshes, retries included")
					.tags(tags)
					.tag("cause", cause.tagValue())
					.tag("outcome", outcome.tagValue())
					.register(registry);
			}
		}
		Gauge.builder(EXPIRY, cache, (observed) -> secondsUntil(observed.snapshot().expiresAt(), registry))
			.description("Time until the cached credential expires; negative once expired, NaN when unknown")
			.baseUnit(SECONDS)
			.tags(tags)
			.strongReference(true)
			.register(registry);
		Gauge.builder(AGE, cache, (observed) -> -secondsUntil(observed.snapshot().lastSuccessAt(), registry))
			.description("Time since the last successful credential fetch; NaN before the first")
			.baseUnit(SECONDS)
			.tags(tags)
			.strongReference(true)
			.register(registry);
		FunctionCounter.builder(AUTH_FAILURES, tallies.authFailures, (adder) -> adder.sum())
			.description("Logins the database rejected with a credential from this cache")
			.tags(tags)
			.register(registry);
		FunctionCounter.builder(FETCH_RETRIES, tallies.fetchRetries, (adder) -> adder.sum())
			.description("Provider calls retried after a failed attempt")
			.tags(tags)
			.register(registry);
	}

	private static double secondsUntil(@Nullable Instant instant, MeterRegistry registry) {
		if (instant == null) {
			return Double.NaN;
		}
		return (instant.toEpochMilli() - registry.config().clock().wallTime()) / 1000.0;
	}

}
