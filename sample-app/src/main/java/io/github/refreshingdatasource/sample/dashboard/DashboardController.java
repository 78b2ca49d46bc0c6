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
import io.github.refreshingdatasource.sample.workload.StartupCredential;
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
 * {@code dbcredentials} write operation; health (and its warnings) the dashboard reads from
 * {@code /actuator/health}.
 */
@RestController
@RequestMapping("/demo")
class DashboardController {

	private final CredentialCacheRegistry registry;

	private final RefreshTimeline timeline;

	private final ObjectProvider<Workload> workloads;

	private final ObjectProvider<StartupCredential> startupCredential;

	private final ObjectProvider<DemoCredentialIssuer> issuer;

	private final ListableBeanFactory beanFactory;

	private final Clock clock;

	DashboardController(CredentialCacheRegistry registry, RefreshTimeline timeline, ObjectProvider<Workload> workloads,
			ObjectProvider<StartupCredential> startupCredential, ObjectProvider<DemoCredentialIssuer> issuer,
			ListableBeanFactory beanFactory) {
		this.registry = registry;
		this.beanFactory = beanFactory;
		this.timeline = timeline;
		this.workloads = workloads;
		this.startupCredential = startupCredential;
		this.issuer = issuer;
		this.clock = Clock.systemUTC();
	}

	/**
	 * Credential state, recent refreshes and the lanes' query counts.
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
		Map<String, DashboardStatus.LaneStatus> lanes = new LinkedHashMap<>();
		this.workloads.orderedStream().forEach((workload) -> lanes.put(workload.lane(), lane(workload)));
		DemoCredentialIssuer issuer = this.issuer.getIfAvailable();
		return new DashboardStatus(this.clock.instant(), datasources, refreshes, lanes,
				(issuer != null) ? issuer.status() : null);
	}

	private DashboardStatus.LaneStatus lane(Workload workload) {
		boolean bound = this.registry.get(workload.dataSourceName()) != null;
		StartupCredential startup = bound ? null : this.startupCredential.getIfAvailable();
		return new DashboardStatus.LaneStatus(workload.dataSourceName(), bound, workload.successes(),
				workload.failures(), workload.history(), (startup != null)
						? new DashboardStatus.StartupLogin(startup.username(), startup.fingerprint(), startup.expiresAt())
						: null);
	}

	private @Nullable DataSource dataSource(String name) {
		return (this.beanFactory.containsBean(name) && this.beanFactory.isTypeMatch(name, DataSource.class))
				? this.beanFactory.getBean(name, DataSource.class) : null;
	}

}
