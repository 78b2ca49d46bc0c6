package io.github.refreshingdatasource.autoconfigure.provider.awssecrets;

import io.github.refreshingdatasource.autoconfigure.ProviderType;
import io.github.refreshingdatasource.autoconfigure.provider.ConditionalOnProviderType;
import io.github.refreshingdatasource.autoconfigure.provider.CredentialProviderFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code aws-secrets-manager} provider: a database secret read with the AWS SDK v2
 * ({@code software.amazon.awssdk:secretsmanager}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProviderType(ProviderType.AWS_SECRETS_MANAGER)
@ConditionalOnClass(name = "software.amazon.awssdk.services.secretsmanager.SecretsManagerClient")
class AwsSecretsManagerProviderConfiguration {

	@Bean
	CredentialProviderFactory<AwsSecretsManagerProviderSettings> awsSecretsManagerCredentialProviderFactory(
			ObjectProvider<AwsCredentialsProvider> applicationCredentials) {
		return new AwsSecretsManagerProviderFactory(applicationCredentials);
	}

}
