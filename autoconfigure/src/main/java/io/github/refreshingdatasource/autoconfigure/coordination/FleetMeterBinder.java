package io.github.refreshingdatasource.autoconfigure.coordination;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.refreshingdatasource.coordination.FleetStatistics;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The meters of every coordinated DataSource: credentials taken from the fleet, waits for
 * another replica's lock and provider calls this replica made for the fleet. Tagged with
 * the DataSource bean name and the backend, never anything else.
 */
final class FleetMeterBinder implements MeterBinder {

	static final String SHARED_HITS = "datasource.credentials.fleet.shared.hits";

	static final String LOCK_WAITS = "datasource.credentials.fleet.lock.waits";

	static final String REFRESHES = "datasource.credentials.fleet.refreshes";

	private final CredentialCacheRegistry caches;

	private final CoordinatedDataSources coordinated;

	FleetMeterBinder(CredentialCacheRegistry caches, CoordinatedDataSources coordinated) {
		this.caches = caches;
		this.coordinated = coordinated;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Map<CredentialCache, List<Meter>> published = new ConcurrentHashMap<>();
		this.caches.whenRegistered((cache) -> {
			CoordinatedDataSources.Member member = this.coordinated.get(cache.getDataSourceName());
			if (member != null) {
				published.put(cache, bind(registry, cache.getDataSourceName(), member));
			}
		});
		this.caches.whenUnregistered((cache) -> {
			List<Meter> meters = published.remove(cache);
			if (meters != null) {
				meters.forEach(registry::remove);
			}
		});
	}

	private static List<Meter> bind(MeterRegistry registry, String dataSourceName,
			CoordinatedDataSources.Member member) {
		FleetStatistics statistics = member.coordinator().statisticsOf(dataSourceName);
		Tags tags = Tags.of("datasource", dataSourceName, "backend", member.type().value());
		return List.of(
				FunctionCounter.builder(SHARED_HITS, statistics, FleetStatistics::sharedHits)
					.description("Credentials taken from the fleet store instead of calling the provider")
					.tags(tags)
					.register(registry),
				FunctionCounter.builder(LOCK_WAITS, statistics, FleetStatistics::lockWaits)
					.description("Waits for a fleet lock another replica held")
					.tags(tags)
					.register(registry),
				FunctionCounter.builder(REFRESHES, statistics, FleetStatistics::refreshes)
					.description("Provider calls this replica made for the fleet")
					.tags(tags)
					.register(registry));
	}

}
