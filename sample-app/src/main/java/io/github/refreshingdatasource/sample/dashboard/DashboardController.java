package io.github.refreshingdatasource.sample.dashboard;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.github.refreshingdatasource.sample.issuer.DemoCredentialIssuer;
import io.github.refreshingdatasource.sample.workload.Workload;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The dashboard's data, and its "Refresh now" button.
 */
@RestController
@RequestMapping("/demo")
class DashboardController {

	private final CredentialCacheRegistry registry;

	private final RefreshTimeline timeline;

	private final ObjectProvider<Workload> workload;

	private final ObjectProvider<DemoCredentialIssuer> issuer;

	private final Clock clock;

	DashboardController(CredentialCacheRegistry registry, RefreshTimeline timeline, ObjectProvider<Workload> workload,
			ObjectProvider<DemoCredentialIssuer> issuer) {
		this.registry = registry;
		this.timeline = timeline;
		this.workload = workload;
		this.issuer = issuer;
		this.clock = Clock.systemUTC();
	}

	/**
	 * Credential state, recent refreshes and workload counts.
	 * @param since only refreshes after this instant, to keep the once-a-second answer small
	 * @return the status
	 */
	@GetMapping("/status")
	DashboardStatus status(@RequestParam(required = false) @Nullable Instant since) {
		Map<String, DataSourceStatus> datasources = new LinkedHashMap<>();
		for (CredentialCache cache : this.registry.getAll()) {
			datasources.put(cache.getDataSourceName(), DataSourceStatus.of(cache.snapshot()));
		}
		List<RefreshTimeline.Event> refreshes = this.timeline.events()
			.stream()
			.filter((event) -> since == null || event.at().isAfter(since))
			.toList();
		Workload workload = this.workload.getIfAvailable();
		DemoCredentialIssuer issuer = this.issuer.getIfAvailable();
		return new DashboardStatus(this.clock.instant(), datasources, refreshes,
				(workload != null) ? new DashboardStatus.WorkloadCounts(workload.successes(), workload.failures())
						: null,
				(workload != null) ? workload.history() : List.of(), (issuer != null) ? issuer.status() : null);
	}

	/**
	 * Refresh a DataSource's credential now and wait (at most the fetch timeout) for the
	 * outcome, which the returned state shows.
	 * @param name the DataSource bean name
	 * @return its state afterwards
	 */
	@PostMapping("/refresh/{name}")
	DataSourceStatus refresh(@PathVariable String name) {
		CredentialCache cache = this.registry.get(name);
		if (cache == null) {
			throw new ResponseStatusException(HttpStatus.NOT_FOUND, "No DataSource named '" + name + "' is bound");
		}
		try {
			cache.refresh().get(cache.getSettings().fetchTimeout().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			// The failure is in the snapshot's lastError.
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return DataSourceStatus.of(cache.snapshot());
	}

}
