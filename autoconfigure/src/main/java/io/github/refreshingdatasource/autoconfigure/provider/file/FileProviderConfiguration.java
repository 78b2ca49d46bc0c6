package io.github.refreshingdatasource.autoconfigure.provider.file;

import io.github.refreshingdatasource.autoconfigure.ProviderType;
import io.github.refreshingdatasource.autoconfigure.provider.ConditionalOnProviderType;
import io.github.refreshingdatasource.autoconfigure.provider.CredentialProviderFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code file} provider: a credential file written by Vault Agent, a Kubernetes secret
 * mount or any rotator, re-read when it changes.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProviderType(ProviderType.FILE)
class FileProviderConfiguration {

	@Bean
	CredentialProviderFactory<FileProviderSettings> fileCredentialProviderFactory() {
		return new FileProviderFactory();
	}

}
