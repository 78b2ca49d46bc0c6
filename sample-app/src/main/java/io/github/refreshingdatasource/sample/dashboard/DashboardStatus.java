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
 * @param lanes the workload of each lane ({@code bound}, {@code plain}, {@code reporting}),
 * by lane name
 * @param issuer the demo issuer's status, if it runs
 */
public record DashboardStatus(Instant now, Map<String, DataSourceStatus> datasources,
		List<RefreshTimeline.Event> refreshes, Map<String, LaneStatus> lanes, @Nullable IssuerStatus issuer) {

	/**
	 * One lane: a workload on one DataSource.
	 *
	 * @param dataSource the DataSource bean name
	 * @param bound whether the starter binds it to rotating credentials
	 * @param success queries that succeeded so far
	 * @param failure queries that failed so far
	 * @param history the counts once a second over the last two minutes
	 * @param startupCredential the credential the pool read at startup, for a DataSource
	 * that is not bound
	 */
	public record LaneStatus(String dataSource, boolean bound, long success, long failure,
			List<Workload.Sample> history, @Nullable StartupLogin startupCredential) {
	}

	/**
	 * The credential a DataSource that is not bound read once at startup.
	 *
	 * @param username its username
	 * @param fingerprint its fingerprint
	 * @param expiresAt when the database stops accepting it
	 */
	public record StartupLogin(@Nullable String username, String fingerprint, @Nullable Instant expiresAt) {
	}

}
