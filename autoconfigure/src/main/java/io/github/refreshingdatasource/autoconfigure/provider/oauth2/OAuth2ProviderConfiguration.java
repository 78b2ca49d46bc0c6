package io.github.refreshingdatasource.autoconfigure.provider.oauth2;

import io.github.refreshingdatasource.autoconfigure.ProviderType;
import io.github.refreshingdatasource.autoconfigure.provider.ConditionalOnProviderType;
import io.github.refreshingdatasource.autoconfigure.provider.CredentialProviderFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code oauth2} provider: an access token from an OAuth2 token endpoint, over the JDK's
 * HTTP client (no extra dependency).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProviderType(ProviderType.OAUTH2)
class OAuth2ProviderConfiguration {

	@Bean
	CredentialProviderFactory<OAuth2ProviderSettings> oauth2CredentialProviderFactory() {
		return new OAuth2ProviderFactory();
	}

}
