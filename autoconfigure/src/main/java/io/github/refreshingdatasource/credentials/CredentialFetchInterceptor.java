package io.github.refreshingdatasource.credentials;

/**
 * Wraps each provider call of a {@link CredentialCache}, on the thread that makes it, so
 * that cross-cutting concerns such as tracing see the call and whatever the provider does
 * inside it (an HTTP call to a token service becomes a child span).
 */
@FunctionalInterface
public interface CredentialFetchInterceptor {

	/**
	 * Make the provider call. Implementations call {@code provider.fetch()} exactly once
	 * and return its result or throw its failure unchanged.
	 * @param cache the cache fetching
	 * @param cause why the cache is fetching
	 * @param provider the provider to call
	 * @return what the provider returned
	 * @throws Exception what the provider threw
	 */
	DbCredential intercept(CredentialCache cache, RefreshCause cause, CredentialProvider provider) throws Exception;

}
