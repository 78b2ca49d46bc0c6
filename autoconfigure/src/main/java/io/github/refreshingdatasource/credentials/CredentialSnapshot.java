package io.github.refreshingdatasource.credentials;

import java.time.Instant;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link CredentialCache} holds at one instant, for health checks and the Actuator
 * endpoint. Carries no secret by construction: the credential is described by username and
 * fingerprint, failures by type and redacted message, never by a {@link Throwable}.
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
 * @param lastRejection what the database said when it last rejected a login in the
 * current run of rejections, if any
 * @param pausedUntil until when the lockout guard pauses logins, {@code null} when it does
 * not
 * @param pauseReason why logins are paused, {@code null} when they are not
 * @param providerStuckSince since when a provider call has been running past the fetch
 * timeout, {@code null} when none is
 * @param providerThreads threads inside the provider now (at most one per cache)
 * @param refusedFingerprint the fingerprint of a new credential the database refused while
 * the previous one, still served, logs in; {@code null} when there is none
 */
public record CredentialSnapshot(String dataSourceName, String providerType, @Nullable String username,
		@Nullable String fingerprint, @Nullable Instant issuedAt, @Nullable Instant expiresAt, boolean valid,
		boolean rejected, boolean refreshing, @Nullable Instant nextRefreshAt, @Nullable Failure lastFailure,
		@Nullable Instant lastFailureAt, @Nullable Instant lastSuccessAt, @Nullable Failure lastRejection,
		@Nullable Instant pausedUntil, @Nullable String pauseReason, @Nullable Instant providerStuckSince,
		int providerThreads, @Nullable String refusedFingerprint) {

	/**
	 * Whether the cache holds a credential at all (valid or not).
	 * @return {@code true} once a fetch has succeeded
	 */
	public boolean hasCredential() {
		return this.fingerprint != null;
	}

	/**
	 * Whether the lockout guard pauses logins now.
	 * @return {@code true} during a pause
	 */
	public boolean paused() {
		return this.pausedUntil != null;
	}

	/**
	 * A failure as operators may see it: its type and its redacted message.
	 *
	 * @param type the simple name of the exception type
	 * @param message the redacted message, if any
	 */
	public record Failure(String type, @Nullable String message) {

		static Failure of(Throwable failure, UnaryOperator<String> redact) {
			Throwable shown = (failure instanceof SanitizedException sanitized) ? null : failure;
			String type = (shown != null) ? failure.getClass().getSimpleName()
					: simpleName(((SanitizedException) failure).getOriginalType());
			String message = failure.getMessage();
			if (shown == null && message != null) {
				String prefix = ((SanitizedException) failure).getOriginalType() + ": ";
				message = message.startsWith(prefix) ? message.substring(prefix.length()) : message;
			}
			return new Failure(type, (message != null) ? redact.apply(message) : null);
		}

		private static String simpleName(String className) {
			return className.substring(className.lastIndexOf('.') + 1).replace('$', '.');
		}

		@Override
		public String toString() {
			return this.type + ((this.message != null) ? ": " + this.message : "");
		}

	}

}
