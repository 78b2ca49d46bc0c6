package io.github.refreshingdatasource.credentials;

/**
 * The provider's part of a cache's life: its watch on the source, started with the cache,
 * and the provider itself, released last on close because it may hold resources (Vault
 * leases, a client session). Failures to stop either are logged, never thrown: closing a
 * DataSource must not fail because its source is gone.
 */
final class ProviderLifecycle {

	private final CredentialProvider provider;

	private final CacheLog log;

	private volatile AutoCloseable watch = () -> {
	};

	ProviderLifecycle(CredentialProvider provider, CacheLog log) {
		this.provider = provider;
		this.log = log;
	}

	void watch(Runnable onChange) {
		this.watch = this.provider.watch(onChange);
	}

	void stopWatching() {
		try {
			this.watch.close();
		}
		catch (Exception ex) {
			this.log.watchCloseFailed(ex);
		}
	}

	void closeProvider() {
		if (this.provider instanceof AutoCloseable closeable) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				this.log.providerCloseFailed(ex);
			}
		}
	}

}
