package io.github.refreshingdatasource.sample.dashboard;

import java.time.Instant;

import javax.sql.DataSource;

import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialSnapshot;
import io.github.refreshingdatasource.jdbc.CredentialState;
import org.jspecify.annotations.Nullable;

/**
 * One DataSource's credential as the dashboard shows it: an entry of the {@code dbcredentials}
 * Actuator endpoint (same state, same redacted error), plus when the error happened.
 *
 * @param provider the provider type
 * @param username the current credential's username
 * @param state {@code valid}, {@code refreshing}, {@code stale} (expired or rejected, the
 * pool still has connections) or {@code failed} (no usable credential, no connection)
 * @param fingerprint the current credential's fingerprint
 * @param issuedAt when it was fetched
 * @param expiresAt when it expires
 * @param nextRefreshAt when the next refresh is scheduled
 * @param lastError the last refresh failure since the last success
 * @param lastErrorAt when it happened
 */
public record DataSourceStatus(String provider, @Nullable String username, String state, @Nullable String fingerprint,
		@Nullable Instant issuedAt, @Nullable Instant expiresAt, @Nullable Instant nextRefreshAt,
		@Nullable ErrorView lastError, @Nullable Instant lastErrorAt) {

	static DataSourceStatus of(CredentialCache cache, @Nullable DataSource dataSource) {
		CredentialSnapshot snapshot = cache.snapshot();
		return new DataSourceStatus(snapshot.providerType(), snapshot.username(),
				CredentialState.of(snapshot, dataSource).value(), snapshot.fingerprint(), snapshot.issuedAt(),
				snapshot.expiresAt(), snapshot.nextRefreshAt(), ErrorView.of(snapshot.lastFailure(), cache),
				snapshot.lastFailureAt());
	}

}
