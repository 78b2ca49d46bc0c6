package io.github.refreshingdatasource.autoconfigure.observation;

import io.github.refreshingdatasource.autoconfigure.RefreshingDataSourceAutoConfiguration;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration that observes every credential fetch: active when Micrometer
 * Observation and an {@link ObservationRegistry} are present.
 */
@AutoConfiguration(after = RefreshingDataSourceAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean({ CredentialCacheRegistry.class, ObservationRegistry.class })
public final class RefreshingDataSourceObservationAutoConfiguration {

	@Bean
	ObservingFetchInterceptor observingCredentialFetchInterceptor(ObjectProvider<ObservationRegistry> observationRegistry) {
		return new ObservingFetchInterceptor(observationRegistry);
	}

}
