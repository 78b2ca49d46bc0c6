package io.github.refreshingdatasource.credentials;

/**
 * When a still-valid credential is refreshed: {@link BackgroundRefresh on a schedule} or
 * {@link LazyRefresh by the first caller} inside the refresh margin (the Cloud SQL
 * connector's refresh-ahead and lazy strategies).
 */
interface RefreshTrigger {

	/**
	 * Arrange the next refresh, replacing any arranged before.
	 * @param delayMillis from now
	 * @param refresh starts the refresh; must not block
	 */
	void scheduleIn(long delayMillis, Runnable refresh);

	/**
	 * Hot path: whether this caller should start the refresh now; {@code true} at most once
	 * per arranged refresh.
	 * @param now epoch millis
	 */
	boolean claim(long now);

	/** Drop the arranged refresh. */
	void cancel();

}
