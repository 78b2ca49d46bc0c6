package io.github.refreshingdatasource.autoconfigure.metrics;

import io.github.refreshingdatasource.autoconfigure.RefreshingDataSourceAutoConfiguration;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the credential cache metrics: active when Micrometer and a
 * {@link MeterRegistry} are present.
 */
@AutoConfiguration(after = RefreshingDataSourceAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ CredentialCacheRegistry.class, MeterRegistry.class })
public final class RefreshingDataSourceMetricsAutoConfiguration {

	@Bean
	CredentialCacheStatistics credentialCacheStatistics() {
		return new CredentialCacheStatistics();
	}

	@Bean
	CredentialCacheMeterBinder credentialCacheMeterBinder(CredentialCacheRegistry credentialCacheRegistry,
			CredentialCacheStatistics credentialCacheStatistics) {
		return new CredentialCacheMeterBinder(credentialCacheRegistry, credentialCacheStatistics);
	}

}
