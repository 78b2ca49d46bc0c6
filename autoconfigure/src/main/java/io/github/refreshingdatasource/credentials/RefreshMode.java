package io.github.refreshingdatasource.credentials;

/**
 * When a {@link CredentialCache} refreshes a credential that is still valid.
 */
public enum RefreshMode {

	/**
	 * Ahead of expiry, on the cache's own scheduler thread, whether or not connections are
	 * being opened. New connections never wait while the application is running. Needs a
	 * CPU between requests: timers fire late where it is throttled.
	 */
	BACKGROUND,

	/**
	 * On demand: the first new connection that finds the credential inside its refresh
	 * margin starts a refresh (shared by all callers) and keeps the still-valid credential;
	 * a connection that finds it expired waits for the fetch. No scheduler thread, nothing
	 * runs between requests: for serverless and scale-to-zero containers whose CPU is
	 * throttled when idle.
	 */
	LAZY

}
