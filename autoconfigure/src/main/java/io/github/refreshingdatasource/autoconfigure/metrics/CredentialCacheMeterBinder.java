package io.github.refreshingdatasource.autoconfigure.metrics;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Publishes the meters of every credential cache, including caches of DataSources created
 * after binding, and removes them when the cache is unregistered (its DataSource destroyed). Tag values come from closed sets (DataSource bean names, provider types,
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
		Map<CredentialCache, List<Meter>> published = new ConcurrentHashMap<>();
		this.caches.whenRegistered((cache) -> published.put(cache, bind(registry, cache)));
		this.caches.whenUnregistered((cache) -> {
			List<Meter> meters = published.remove(cache);
			if (meters != null) {
				meters.forEach(registry::remove);
			}
			this.statistics.forget(cache);
		});
	}

	private List<Meter> bind(MeterRegistry registry, CredentialCache cache) {
		List<Meter> meters = new ArrayList<>();
		Tags tags = Tags.of("datasource", cache.getDataSourceName(), "provider", cache.getProviderType());
		Tallies tallies = this.statistics.of(cache);
		// Every cause and outcome from the start, so a rate over failures exists before the first one.
		for (RefreshCause cause : RefreshCause.values()) {
			for (Outcome outcome : Outcome.values()) {
				meters.add(FunctionTimer
					.builder(REFRESH, tallies.refresh(cause, outcome), RefreshTally::count, RefreshTally::totalNanos,
							TimeUnit.NANOSECONDS)
					.description("Credential refreshes, retries included")
					.tags(tags)
					.tag("cause", cause.tagValue())
					.tag("outcome", outcome.tagValue())
					.register(registry));
			}
		}
		meters.add(Gauge.builder(EXPIRY, cache, (observed) -> secondsUntil(observed.snapshot().expiresAt(), registry))
			.description("Time until the cached credential expires; negative once expired, NaN when unknown")
			.baseUnit(SECONDS)
			.tags(tags)
			.strongReference(true)
			.register(registry));
		meters.add(Gauge.builder(AGE, cache, (observed) -> -secondsUntil(observed.snapshot().lastSuccessAt(), registry))
			.description("Time since the last successful credential fetch; NaN before the first")
			.baseUnit(SECONDS)
			.tags(tags)
			.strongReference(true)
			.register(registry));
		meters.add(FunctionCounter.builder(AUTH_FAILURES, tallies.authFailures, (adder) -> adder.sum())
			.description("Logins the database rejected with a credential from this cache")
			.tags(tags)
			.register(registry));
		meters.add(FunctionCounter.builder(FETCH_RETRIES, tallies.fetchRetries, (adder) -> adder.sum())
			.description("Provider calls retried after a failed attempt")
			.tags(tags)
			.register(registry));
		return meters;
	}

	private static double secondsUntil(@Nullable Instant instant, MeterRegistry registry) {
		if (instant == null) {
			return Double.NaN;
		}
		return (instant.toEpochMilli() - registry.config().clock().wallTime()) / 1000.0;
	}

}
