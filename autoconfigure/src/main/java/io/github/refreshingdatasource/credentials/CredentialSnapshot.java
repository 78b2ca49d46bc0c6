package io.github.refreshingdatasource.credentials;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link CredentialCache} holds at one instant, for health checks and the Actuator
 * endpoint. Carries no secret: the credential is described by username and fingerprint.
 *
 * @param dataSourceName the DataSource bean name
 * @param providerType the provider type
 * @param username the current credential's username, if any
 * @param fingerprint the current credential's fingerprint, if any
 * @param issuedAt when the current credential was fetched, if any
 * @param expiresAt when the current credential expires (as the cache uses it, after
 * clamping), or {@code null} when it does not expire or there is none
 * @param valid whether the current credential is usable now (not expired, not rejected)
 * @param rejected whether the database rejected the current credential
 * @param refreshing whether a fetch is in flight
 * @param nextRefreshAt when the next refresh is scheduled, if one is
 * @param lastFailure the last refresh failure since the last success, if any
 * @param lastFailureAt when that refresh failed
 * @param lastSuccessAt when a refresh last succeeded
 */
public record CredentialSnapshot(String dataSourceName, String providerType, @Nullable String username,
		@Nullable String fingerprint, @Nullable Instant issuedAt, @Nullable Instant expiresAt, boolean valid,
		boolean rejected, boolean refreshing, @Nullable Instant nextRefreshAt, @Nullable Throwable lastFailure,
		@Nullable Instant lastFailureAt, @Nullable Instant lastSuccessAt) {

	/**
	 * Whether the cache holds a credential at all (valid or not).
	 * @return {@code true} once a fetch has succeeded
	 */
	public boolean hasCredential() {
		return this.fingerprint != null;
	}

}
