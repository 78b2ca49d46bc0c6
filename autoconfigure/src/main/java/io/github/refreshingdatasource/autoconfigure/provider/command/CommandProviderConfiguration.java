package io.github.refreshingdatasource.autoconfigure.provider.command;

import io.github.refreshingdatasource.autoconfigure.ProviderType;
import io.github.refreshingdatasource.autoconfigure.provider.ConditionalOnProviderType;
import io.github.refreshingdatasource.autoconfigure.provider.CredentialProviderFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code command} provider: a program whose output is the token, such as
 * {@code az account get-access-token}, {@code aws rds generate-db-auth-token} or
 * {@code gcloud sql generate-login-token}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProviderType(ProviderType.COMMAND)
class CommandProviderConfiguration {

	@Bean
	CredentialProviderFactory<CommandProviderSettings> commandCredentialProviderFactory() {
		return new CommandProviderFactory();
	}

}
