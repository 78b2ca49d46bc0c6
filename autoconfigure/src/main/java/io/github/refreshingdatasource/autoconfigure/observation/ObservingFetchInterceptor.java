package io.github.refreshingdatasource.autoconfigure.observation;

import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialFetchInterceptor;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.credentials.RefreshCause;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Wraps each provider call in a {@code datasource.credentials.fetch} observation, with the
 * scope open on the fetching thread so the provider's own instrumented calls become its
 * children. Low-cardinality keys match the metric tags: {@code datasource},
 * {@code provider}, {@code cause}, {@code outcome}.
 * <p>
 * The observation registry is looked up only once every singleton exists: the caches are
 * built while DataSource beans initialize, and asking for the registry then would create
 * it, its handlers and possibly a tracer in the middle of that. Fetches before that point
 * (the first fetch of each DataSource created at startup) are not observed.
 */
final class ObservingFetchInterceptor implements CredentialFetchInterceptor, SmartInitializingSingleton {

	static final String NAME = "datasource.credentials.fetch";

	private final ObjectProvider<ObservationRegistry> registryProvider;

	private volatile ObservationRegistry registry = ObservationRegistry.NOOP;

	ObservingFetchInterceptor(ObjectProvider<ObservationRegistry> registryProvider) {
		this.registryProvider = registryProvider;
	}

	@Override
	public void afterSingletonsInstantiated() {
		this.registry = this.registryProvider.getIfAvailable(() -> ObservationRegistry.NOOP);
	}

	@Override
	public DbCredential intercept(CredentialCache cache, RefreshCause cause, CredentialProvider provider)
			throws Exception {
		Observation observation = Observation.createNotStarted(NAME, this.registry)
			.lowCardinalityKeyValue("datasource", cache.getDataSourceName())
			.lowCardinalityKeyValue("provider", cache.getProviderType())
			.lowCardinalityKeyValue("cause", cause.tagValue())
			.start();
		try (Observation.Scope scope = observation.openScope()) {
			DbCredential credential = provider.fetch();
			observation.lowCardinalityKeyValue("outcome", "success");
			return credential;
		}
		catch (Throwable ex) {
			observation.lowCardinalityKeyValue("outcome", "failure");
			// Tracing exporters ship the error: a copy with every message redacted.
			observation.error(cache.sanitize(ex));
			throw ex;
		}
		finally {
			observation.stop();
		}
	}

}
