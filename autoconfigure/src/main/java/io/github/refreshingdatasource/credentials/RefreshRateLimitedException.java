package io.github.refreshingdatasource.credentials;

import java.time.Instant;

/**
 * A manual refresh ({@link CredentialCache#refresh()}) was refused: the last one that
 * called the provider was less than {@link RefreshSettings#manualMinInterval()} ago. The
 * limit keeps repeated manual refreshes (an exposed Actuator endpoint, a script) from
 * hammering the source and the database with credentials it rejects.
 */
public final class RefreshRateLimitedException extends IllegalStateException {

	private final Instant retryAfter;

	RefreshRateLimitedException(String dataSourceName, Instant retryAfter) {
		super("Manual refresh of datasource '" + dataSourceName + "' refused: the last one was less than "
				+ "refresh.manual-min-interval ago; next allowed at " + retryAfter);
		this.retryAfter = retryAfter;
	}

	/**
	 * When the next manual refresh is allowed.
	 * @return the instant
	 */
	public Instant getRetryAfter() {
		return this.retryAfter;
	}

}
