package io.github.refreshingdatasource.credentials;

import java.time.Duration;

/**
 * Told what a {@link CredentialCache} does, for metrics, logs and binding actions (such as
 * evicting pooled connections on rotation). Called on the cache's own threads; must not
 * block.
 */
public interface CredentialCacheListener {

	/**
	 * A refresh obtained a credential that differs from the one served before, or the first
	 * one. A refresh that changed nothing calls {@link #refreshUnchanged} instead.
	 * @param cache the cache
	 * @param cause why it was fetched
	 * @param duration how long the refresh took, retries included
	 * @param credential the credential now served
	 * @param rotated whether it differs from the one served before (false for the first)
	 */
	default void refreshSucceeded(CredentialCache cache, RefreshCause cause, Duration duration, DbCredential credential,
			boolean rotated) {
	}

	/**
	 * A refresh returned the credential already served (same username, secret and stated
	 * expiry; or, while a refused new credential is set aside, that refused one again):
	 * nothing changed. Listeners written before this callback existed see it, as they
	 * always did, as {@link #refreshSucceeded} with {@code rotated} false.
	 * @param cache the cache
	 * @param cause why it was fetched
	 * @param duration how long the refresh took, retries included
	 * @param credential the credential served, as before
	 */
	default void refreshUnchanged(CredentialCache cache, RefreshCause cause, Duration duration,
			DbCredential credential) {
		refreshSucceeded(cache, cause, duration, credential, false);
	}

	/**
	 * A refresh failed every attempt.
	 * @param cache the cache
	 * @param cause why it was fetched
	 * @param duration how long the refresh took, retries included
	 * @param failure the last attempt's failure
	 */
	default void refreshFailed(CredentialCache cache, RefreshCause cause, Duration duration, Throwable failure) {
	}

	/**
	 * A fetch attempt failed and is retried.
	 * @param cache the cache
	 */
	default void fetchRetried(CredentialCache cache) {
	}

	/**
	 * The database rejected a login with a credential from this cache.
	 * @param cache the cache
	 * @param rejected the rejected credential
	 */
	default void credentialRejected(CredentialCache cache, DbCredential rejected) {
	}

}
