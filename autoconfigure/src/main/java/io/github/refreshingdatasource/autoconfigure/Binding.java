package io.github.refreshingdatasource.autoconfigure;

import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One started, registered cache and what it is bound to. Closing it unregisters the cache
 * (metrics, health and the endpoint follow the registry), closes it and undoes what the
 * pool binding registered; closing it twice does nothing.
 */
final class Binding implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(Binding.class);

	private final String label;

	private final CredentialCache cache;

	private final Object target;

	private final AutoCloseable undo;

	private final CredentialCacheRegistry registry;

	private boolean closed;

	Binding(String label, CredentialCache cache, Object target, AutoCloseable undo, CredentialCacheRegistry registry) {
		this.label = label;
		this.cache = cache;
		this.target = target;
		this.undo = undo;
		this.registry = registry;
	}

	CredentialCache cache() {
		return this.cache;
	}

	/** The pool or connection factory the cache is bound to. */
	Object target() {
		return this.target;
	}

	@Override
	public void close() {
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.closed = true;
		}
		// The registry may have closed the cache already (context close); unregistering is
		// what lets a DataSource of the same name be bound again.
		this.registry.unregister(this.cache);
		this.cache.close();
		try {
			this.undo.close();
		}
		catch (Exception ex) {
			logger.warn(this.label + ": undoing its pool binding failed: " + this.cache.redact(String.valueOf(ex)));
		}
		logger.info(this.label + " unbound from rotating credentials; its cache is closed");
	}

	@Override
	public String toString() {
		return "Binding[" + this.label + "]";
	}

}
