package io.github.refreshingdatasource.autoconfigure;

import java.util.function.Supplier;

import io.github.refreshingdatasource.autoconfigure.coordination.CoordinatedDataSources;
import io.github.refreshingdatasource.autoconfigure.coordination.FleetBackend;
import io.github.refreshingdatasource.autoconfigure.provider.CredentialProviderFactory;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheListener;
import io.github.refreshingdatasource.credentials.CredentialFetchInterceptor;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.RefreshSettings;
import io.github.refreshingdatasource.credentials.RefreshThreads;
import io.github.refreshingdatasource.jdbc.RejectionHint;
import io.github.refreshingdatasource.jdbc.TransportSecurity;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;

/**
 * Creates the credential cache of one DataSource or connection factory from its settings
 * ({@code refreshing.datasource.*} with {@code datasources.<name>.*} over them): checks the
 * refresh settings, the provider's SDK and the TLS rule for bearer tokens, creates the
 * provider, and adds the listeners and the nested fetch interceptors. The cache is not
 * started or registered: the binder does that once the pool accepted it.
 */
final class CredentialCacheFactory {

	private static final Log logger = LogFactory.getLog(CredentialCacheFactory.class);

	private final CredentialPropertiesResolver resolver;

	private final CredentialProviders providers;

	private final ObjectProvider<CredentialCacheListener> listeners;

	private final ObjectProvider<CredentialFetchInterceptor> fetchInterceptors;

	private final RefreshThreads threads;

	private final FleetMembership fleet;

	CredentialCacheFactory(Environment environment, ObjectProvider<CredentialProviderFactory<?>> factories,
			ObjectProvider<CredentialCacheListener> listeners, ObjectProvider<CredentialFetchInterceptor> fetchInterceptors,
			RefreshThreads threads, ObjectProvider<FleetBackend> fleetBackends,
			ObjectProvider<CoordinatedDataSources> coordinated) {
		this.threads = threads;
		this.resolver = new CredentialPropertiesResolver(environment);
		this.providers = new CredentialProviders(this.resolver, factories);
		this.fleet = new FleetMembership(this.providers, fleetBackends, coordinated);
		this.listeners = listeners;
		this.fetchInterceptors = fetchInterceptors;
	}

	CredentialPropertiesResolver resolver() {
		return this.resolver;
	}

	ProviderType typeOf(String name, CredentialProperties properties) {
		return this.providers.typeOf(name, properties);
	}

	RejectionHint rejectionHint(String name, ProviderType type) {
		return this.providers.rejectionHint(name, type);
	}

	/** The {@code on-rotation} setting, or the provider's default when it is not set. */
	boolean evictOnRotation(String name, ProviderType type, CredentialProperties properties) {
		OnRotation onRotation = (properties.getOnRotation() != null) ? properties.getOnRotation()
				: this.providers.defaultOnRotation(name, type);
		return onRotation == OnRotation.EVICT;
	}

	/**
	 * Create the cache, neither started nor registered.
	 * @param transport judges the connection; asked only when the provider's password is a
	 * bearer token and insecure transport is not allowed
	 * @throws RefreshingDataSourceConfigurationException when a setting cannot work
	 */
	CredentialCache create(String name, ProviderType type, CredentialProperties properties, DataSourceDetails details,
			Supplier<TransportSecurity.Verdict> transport) {
		RefreshSettings settings = new RefreshPropertiesCheck(this.resolver).settings(name, properties);
		// A missing SDK is the first thing to fix: report it before the transport.
		this.providers.requireAvailable(name, type);
		if (!properties.isAllowInsecureTransport() && this.providers.bearerToken(name, type)) {
			requireTls(transport.get(), name, type);
		}
		RefreshSettings refreshSettings = this.providers.refreshSettings(name, type, settings);
		// Replicas that coordinate share what the provider returns, its refresh token chain and the lockout guard.
		FleetMembership.Member member = this.fleet.join(name, type, properties, details, refreshSettings);
		CredentialProvider provider = this.providers.create(name, type, properties, details, member);
		CredentialCache cache = newCache(name, type, (member != null) ? member.share(provider) : provider, details,
				refreshSettings, member);
		// A provider that reacts to rejected logins (a Vault lease revoked early) is told of them.
		if (provider instanceof CredentialCacheListener providerListener) {
			cache.addListener(providerListener);
		}
		this.listeners.orderedStream().forEach(cache::addListener);
		this.fetchInterceptors.orderedStream().reduce(CredentialCacheFactory::nest).ifPresent(cache::setFetchInterceptor);
		return cache;
	}

	/** The one place a cache is constructed, so shared engine resources are wired here alone. */
	private CredentialCache newCache(String name, ProviderType type, CredentialProvider provider,
			DataSourceDetails details, RefreshSettings settings, FleetMembership.@Nullable Member member) {
		if (member != null) {
			return new CredentialCache(name, type.value(), provider, details.username(), settings, this.threads,
					member.lockoutLedger());
		}
		return new CredentialCache(name, type.value(), provider, details.username(), settings, this.threads);
	}

	/** The first interceptor (highest precedence) wraps the second, which wraps the call. */
	private static CredentialFetchInterceptor nest(CredentialFetchInterceptor outer, CredentialFetchInterceptor inner) {
		return (cache, cause, provider) -> outer.intercept(cache, cause, () -> inner.intercept(cache, cause, provider));
	}

	/**
	 * The TLS rule for bearer tokens: no TLS, or a connection that cannot be judged, fails
	 * startup; TLS that does not verify the server is warned about once.
	 */
	private static void requireTls(TransportSecurity.Verdict verdict, String name, ProviderType type) {
		switch (verdict.level()) {
			case VERIFIED -> {
			}
			case UNVERIFIED -> logger.warn(BindingFailures.unverifiedTransport(name, type.value(), verdict));
			case INSECURE -> throw BindingFailures.insecureTransport(name, type.value(), verdict);
			case UNKNOWN -> throw BindingFailures.unknownTransport(name, type.value(), verdict);
		}
	}

}
