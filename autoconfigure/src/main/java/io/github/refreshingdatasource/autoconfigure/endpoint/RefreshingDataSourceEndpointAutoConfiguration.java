package io.github.refreshingdatasource.autoconfigure.endpoint;

import javax.sql.DataSource;

import io.github.refreshingdatasource.autoconfigure.RefreshingDataSourceAutoConfiguration;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code dbcredentials} Actuator endpoint: active when Actuator
 * is present and the endpoint is exposed
 * ({@code management.endpoints.web.exposure.include}).
 */
@AutoConfiguration(after = RefreshingDataSourceAutoConfiguration.class,
		afterName = "org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration")
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(CredentialCacheRegistry.class)
public final class RefreshingDataSourceEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint
	DbCredentialsEndpoint dbCredentialsEndpoint(CredentialCacheRegistry credentialCacheRegistry,
			ListableBeanFactory beanFactory) {
		return new DbCredentialsEndpoint(credentialCacheRegistry, (name) -> dataSource(beanFactory, name),
				(name) -> FleetDescriptors.describe(beanFactory, name));
	}

	private static @Nullable DataSource dataSource(ListableBeanFactory beanFactory, String name) {
		return (beanFactory.containsBean(name) && beanFactory.isTypeMatch(name, DataSource.class))
				? beanFactory.getBean(name, DataSource.class) : null;
	}

}
