package io.github.refreshingdatasource.jdbc;

import java.time.Duration;

import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheListener;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.credentials.RefreshCause;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * {@code on-rotation: evict} for the pools other than HikariCP: when a new credential
 * arrives, asks the pool to retire its connections in its own way. Does nothing before the
 * pool's first login, so a rotation never starts a pool nobody has used.
 */
final class RotationEviction implements CredentialCacheListener {

	private static final Log logger = LogFactory.getLog(RotationEviction.class);

	private final RejectionAwareDataSource connector;

	private final String how;

	private final Eviction eviction;

	/**
	 * Create the listener.
	 * @param connector the connector the pool logs in through
	 * @param how what the eviction does, for the log line
	 * @param eviction the pool's own call
	 */
	RotationEviction(RejectionAwareDataSource connector, String how, Eviction eviction) {
		this.connector = connector;
		this.how = how;
		this.eviction = eviction;
	}

	@Override
	public void refreshSucceeded(CredentialCache cache, RefreshCause cause, Duration duration, DbCredential credential,
			boolean rotated) {
		if (!rotated || !this.connector.hasLoggedIn()) {
			return;
		}
		logger.debug(cache.getDataSourceName() + ": credential rotated, " + this.how);
		try {
			this.eviction.evict();
		}
		catch (Exception ex) {
			// A pool that is closing refuses; its connections go with it.
			logger.debug(cache.getDataSourceName() + ": could not evict pooled connections: " + ex.getMessage());
		}
	}

	@FunctionalInterface
	interface Eviction {

		void evict() throws Exception;

	}

}
