package io.github.refreshingdatasource.sample.dashboard;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.github.refreshingdatasource.sample.issuer.IssuerStatus;
import io.github.refreshingdatasource.sample.workload.Workload;
import org.jspecify.annotations.Nullable;

/**
 * Everything the dashboard shows, fetched once a second. No secret in it.
 *
 * @param now the server's clock, so countdowns do not depend on the browser's
 * @param datasources the credential of each bound DataSource, by bean name
 * @param refreshes refreshes and rejections, oldest first
 * @param workload the workload's query counts, if it runs
 * @param workloadHistory the workload's counts once a second over the last two minutes
 * @param issuer the demo issuer's status, if it runs
 */
public record DashboardStatus(Instant now, Map<String, DataSourceStatus> datasources,
		List<RefreshTimeline.Event> refreshes, @Nullable WorkloadCounts workload, List<Workload.Sample> workloadHistory,
		@Nullable IssuerStatus issuer) {

	/**
	 * Queries of the workload so far.
	 *
	 * @param success queries that succeeded
	 * @param failure queries that failed
	 */
	public record WorkloadCounts(long success, long failure) {
	}

}
