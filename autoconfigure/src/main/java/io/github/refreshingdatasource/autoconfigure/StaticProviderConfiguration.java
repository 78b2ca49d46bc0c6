package io.github.refreshingdatasource.autoconfigure;

import io.github.refreshingdatasource.credentials.provider.StaticCredentialProvider;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.StringUtils;

/**
 * The {@code static} provider: a fixed username and password, for development.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProviderType(ProviderType.STATIC)
class StaticProviderConfiguration {

	@Bean
	CredentialProviderFactory staticCredentialProviderFactory() {
		return new ProviderFactory(ProviderType.STATIC, (dataSourceName, properties) -> {
			CredentialProperties.Static settings = properties.getProvider().getStatic();
			if (!StringUtils.hasLength(settings.getPassword())) {
				throw ProviderFactory.missing(dataSourceName, "provider.static.password",
						"the static provider needs a password");
			}
			String username = (settings.getUsername() != null) ? settings.getUsername() : properties.getUsername();
			return new StaticCredentialProvider(username, settings.getPassword());
		});
	}

}
