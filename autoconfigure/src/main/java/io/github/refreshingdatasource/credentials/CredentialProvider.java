package io.github.refreshingdatasource.credentials;

/**
 * Fetches a fresh credential from wherever credentials come from: a file, a program, an
 * identity service. Called off the connection hot path, at most once at a time per
 * {@link CredentialCache}, and cut off after the configured fetch timeout.
 * <p>
 * Implementations never put the secret into an exception message.
 */
@FunctionalInterface
public interface CredentialProvider {

	/**
	 * Fetch the current credential from the source.
	 * @return the credential; its username may be {@code null} when the source does not
	 * name one, its expiry {@code null} when the source does not state one
	 * @throws Exception when no credential can be had now (the cache retries)
	 */
	DbCredential fetch() throws Exception;

	/**
	 * Register a listener that the provider calls when its source announces a change (a
	 * rewritten file, say), so the cache refreshes at once rather than at its next scheduled
	 * time. Sources that cannot tell keep the default, which never calls the listener.
	 * @param listener called, from any thread, after the source changed
	 * @return a handle that stops watching; closed when the cache closes
	 */
	default AutoCloseable watch(Runnable listener) {
		return () -> {
		};
	}

}
