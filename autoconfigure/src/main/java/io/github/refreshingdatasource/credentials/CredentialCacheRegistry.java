package io.github.refreshingdatasource.credentials;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * The credential caches of an application, one per bound DataSource, by DataSource bean
 * name. A cache is unregistered when its DataSource is destroyed, so a DataSource re-created
 * under the same name registers again; readers (metrics, health, the endpoint) follow.
 * Closing the registry closes every cache.
 */
public final class CredentialCacheRegistry implements AutoCloseable {

	private final Map<String, CredentialCache> caches = Collections.synchronizedMap(new LinkedHashMap<>());

	private final List<Consumer<CredentialCache>> registrationCallbacks = new CopyOnWriteArrayList<>();

	private final List<Consumer<CredentialCache>> unregistrationCallbacks = new CopyOnWriteArrayList<>();

	/**
	 * Register a cache under its DataSource name.
	 * @param cache the cache
	 * @throws IllegalStateException when a cache is already registered under that name
	 */
	public void register(CredentialCache cache) {
		synchronized (this.caches) {
			CredentialCache previous = this.caches.putIfAbsent(cache.getDataSourceName(), cache);
			if (previous != null) {
				throw new IllegalStateException("A credential cache is already registered for datasource '"
						+ cache.getDataSourceName() + "'");
			}
			this.registrationCallbacks.forEach((callback) -> callback.accept(cache));
		}
	}

	/**
	 * Call the callback with every cache registered so far, then with every cache
	 * registered from now on (a DataSource bean created late, say), each exactly once.
	 * @param callback called under the registry's lock; must be quick
	 */
	public void whenRegistered(Consumer<CredentialCache> callback) {
		synchronized (this.caches) {
			this.caches.values().forEach(callback);
			this.registrationCallbacks.add(callback);
		}
	}

	/**
	 * Remove a cache, if that very cache is registered under its name (not another cache
	 * of the same name registered since), and tell the unregistration callbacks. The cache
	 * is not closed: whoever unregisters it closes it.
	 * @param cache the cache
	 * @return whether it was registered
	 */
	public boolean unregister(CredentialCache cache) {
		synchronized (this.caches) {
			if (!this.caches.remove(cache.getDataSourceName(), cache)) {
				return false;
			}
			this.unregistrationCallbacks.forEach((callback) -> callback.accept(cache));
			return true;
		}
	}

	/**
	 * Call the callback with every cache unregistered from now on, once each.
	 * @param callback called under the registry's lock; must be quick
	 */
	public void whenUnregistered(Consumer<CredentialCache> callback) {
		this.unregistrationCallbacks.add(callback);
	}

	public @Nullable CredentialCache get(String dataSourceName) {
		return this.caches.get(dataSourceName);
	}

	/**
	 * Return the caches in registration order.
	 * @return an unmodifiable copy
	 */
	public Collection<CredentialCache> getAll() {
		synchronized (this.caches) {
			return List.copyOf(this.caches.values());
		}
	}

	/** Unregister and close every cache, including those of prototypes nobody destroyed. */
	@Override
	public void close() {
		for (CredentialCache cache : getAll()) {
			unregister(cache);
			cache.close();
		}
	}

}
