package io.github.refreshingdatasource.sample.dashboard;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.github.refreshingdatasource.sample.issuer.DemoCredentialIssuer;
import io.github.refreshingdatasource.sample.workload.Workload;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The dashboard's data, in one answer a second. "Refresh now" is the Actuator
 * {@code dbcredentials} write operation.
 */
@RestController
@RequestMapping("/demo")
class DashboardController {

	private final CredentialCacheRegistry registry;

	private final RefreshTimeline timeline;

	private final ObjectProvider<Workload> workload;

	private final ObjectProvider<DemoCredentialIssuer> issuer;

	private final ListableBeanFactory beanFactory;

	private final Clock clock;

	DashboardController(CredentialCacheRegistry registry, RefreshTimeline timeline, ObjectProvider<Workload> workload,
			ObjectProvider<DemoCredentialIssuer> issuer, ListableBeanFactory beanFactory) {
		this.registry = registry;
		this.beanFactory = beanFactory;
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
			datasources.put(cache.getDataSourceName(), DataSourceStatus.of(cache, dataSource(cache.getDataSourceName())));
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

	private @Nullable DataSource dataSource(String name) {
		return (this.beanFactory.containsBean(name) && this.beanFactory.isTypeMatch(name, DataSource.class))
				? this.beanFactory.getBean(name, DataSource.class) : null;
	}

}
