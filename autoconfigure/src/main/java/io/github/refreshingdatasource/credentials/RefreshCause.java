package io.github.refreshingdatasource.credentials;

import java.util.Locale;

/**
 * Why a credential was fetched. Its {@link #tagValue()} is a metric tag, so the set is
 * closed.
 */
public enum RefreshCause {

	/** First fetch, when the DataSource is bound. */
	STARTUP,

	/** Refresh ahead of expiry, or a retry after a failed refresh. */
	SCHEDULED,

	/** The source announced a change (a watched file was rewritten, say). */
	SOURCE_CHANGED,

	/** A connection needed a credential and the cached one had expired. */
	EXPIRED,

	/** The database rejected the cached credential. */
	REJECTED,

	/** Asked for by an operator (the Actuator endpoint) or the application. */
	MANUAL;

	public String tagValue() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
