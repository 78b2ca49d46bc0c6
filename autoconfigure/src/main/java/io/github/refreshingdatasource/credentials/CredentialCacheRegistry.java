package io.github.refreshingdatasource.credentials;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The credential caches of an application, one per bound DataSource, by DataSource bean
 * name. Closing the registry closes every cache.
 */
public final class CredentialCacheRegistry implements AutoCloseable {

	private final Map<String, CredentialCache> caches = Collections.synchronizedMap(new LinkedHashMap<>());

	/**
	 * Register a cache under its DataSource name.
	 * @param cache the cache
	 * @throws IllegalStateException when a cache is already registered under that name
	 */
	public void register(CredentialCache cache) {
		CredentialCache previous = this.caches.putIfAbsent(cache.getDataSourceName(), cache);
		if (previous != null) {
			throw new IllegalStateException("A credential cache is already registered for datasource '"
					+ cache.getDataSourceName() + "'");
		}
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

	@Override
	public void close() {
		getAll().forEach(CredentialCache::close);
	}

}
