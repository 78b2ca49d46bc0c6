package io.github.refreshingdatasource.autoconfigure.provider.staticcredentials;

import io.github.refreshingdatasource.autoconfigure.ProviderType;
import io.github.refreshingdatasource.autoconfigure.provider.ConditionalOnProviderType;
import io.github.refreshingdatasource.autoconfigure.provider.CredentialProviderFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code static} provider: a fixed username and password, for development.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProviderType(ProviderType.STATIC)
class StaticProviderConfiguration {

	@Bean
	CredentialProviderFactory<StaticProviderSettings> staticCredentialProviderFactory() {
		return new StaticProviderFactory();
	}

}
