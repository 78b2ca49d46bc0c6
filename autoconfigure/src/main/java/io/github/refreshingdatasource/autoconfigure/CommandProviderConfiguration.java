package io.github.refreshingdatasource.autoconfigure;

import java.util.List;

import io.github.refreshingdatasource.credentials.provider.command.CommandCredentialProvider;

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
	CredentialProviderFactory commandCredentialProviderFactory() {
		return new ProviderFactory(ProviderType.COMMAND, (dataSourceName, properties) -> {
			CredentialProperties.Command settings = properties.getProvider().getCommand();
			List<String> command = settings.getCommand();
			if (command.isEmpty() || command.get(0).isBlank()) {
				throw ProviderFactory.missing(dataSourceName, "provider.command.command",
						"the command provider needs a program to run");
			}
			String program = command.get(0);
			if (CommandCredentialProvider.resolveExecutable(program).isEmpty()) {
				throw new RefreshingDataSourceConfigurationException("DataSource '" + dataSourceName
						+ "': the credential command '" + program + "' was not found or is not executable (PATH="
						+ System.getenv("PATH") + ").",
						"Install '" + program + "' or put it on the PATH, or set refreshing.datasource.provider.command.command "
								+ "to the absolute path of the program.");
			}
			return new CommandCredentialProvider(command, settings.getTimeout(), settings.getTokenField(),
					settings.getUsernameField(), settings.getExpiresAtField());
		});
	}

}
