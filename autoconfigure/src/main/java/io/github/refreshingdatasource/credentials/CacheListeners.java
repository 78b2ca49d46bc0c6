package io.github.refreshingdatasource.credentials;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The listeners of one cache. Each call is isolated: a listener that throws is logged
 * (redacted) and the others, and the cache, carry on, so no listener can wedge a refresh.
 */
final class CacheListeners {

	private final List<CredentialCacheListener> listeners = new CopyOnWriteArrayList<>();

	private final CacheLog log;

	CacheListeners(CacheLog log) {
		this.log = log;
	}

	void add(CredentialCacheListener listener) {
		this.listeners.add(listener);
	}

	void refreshSucceeded(CredentialCache cache, RefreshCause cause, Duration took, DbCredential credential,
			boolean rotated) {
		each("refreshSucceeded", (listener) -> listener.refreshSucceeded(cache, cause, took, credential, rotated));
	}

	void refreshUnchanged(CredentialCache cache, RefreshCause cause, Duration took, DbCredential credential) {
		each("refreshUnchanged", (listener) -> listener.refreshUnchanged(cache, cause, took, credential));
	}

	void refreshFailed(CredentialCache cache, RefreshCause cause, Duration took, Throwable failure) {
		each("refreshFailed", (listener) -> listener.refreshFailed(cache, cause, took, failure));
	}

	void fetchRetried(CredentialCache cache) {
		each("fetchRetried", (listener) -> listener.fetchRetried(cache));
	}

	void credentialRejected(CredentialCache cache, DbCredential rejected) {
		each("credentialRejected", (listener) -> listener.credentialRejected(cache, rejected));
	}

	private void each(String callback, Consumer<CredentialCacheListener> call) {
		for (CredentialCacheListener listener : this.listeners) {
			try {
				call.accept(listener);
			}
			catch (VirtualMachineError ex) {
				throw ex;
			}
			catch (Throwable ex) {
				this.log.callbackFailed(listener, callback, ex);
			}
		}
	}

}
