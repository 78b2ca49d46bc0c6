package io.github.refreshingdatasource.sample.dashboard;

import java.time.Instant;

import io.github.refreshingdatasource.credentials.CredentialSnapshot;
import org.jspecify.annotations.Nullable;

/**
 * One DataSource's credential as the dashboard shows it, shaped like an entry of the
 * {@code dbcredentials} Actuator endpoint.
 *
 * @param provider the provider type
 * @param username the current credential's username
 * @param state {@code valid}, {@code refreshing}, {@code stale} (still valid, but the last
 * refresh failed) or {@code failed} (no valid credential)
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

	static DataSourceStatus of(CredentialSnapshot snapshot) {
		return new DataSourceStatus(snapshot.providerType(), snapshot.username(), state(snapshot),
				snapshot.fingerprint(), snapshot.issuedAt(), snapshot.expiresAt(), snapshot.nextRefreshAt(),
				ErrorView.of(snapshot.lastFailure()), snapshot.lastFailureAt());
	}

	private static String state(CredentialSnapshot snapshot) {
		if (!snapshot.valid()) {
			return snapshot.refreshing() ? "refreshing" : "failed";
		}
		if (snapshot.lastFailure() != null) {
			return "stale";
		}
		return snapshot.refreshing() ? "refreshing" : "valid";
	}

}
