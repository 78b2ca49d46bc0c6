package io.github.refreshingdatasource.autoconfigure;

import java.net.URI;
import java.time.Duration;

import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.RefreshSettings;
import io.github.refreshingdatasource.credentials.provider.awssecrets.AwsSecretsManagerCredentialProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.StringUtils;

/**
 * The {@code aws-secrets-manager} provider: a database secret read with the AWS SDK v2
 * ({@code software.amazon.awssdk:secretsmanager}), with a named profile, an application
 * {@link AwsCredentialsProvider} bean, or the SDK's default credentials chain. The secret
 * is read again every {@code refresh-interval} and at once when the database rejects it.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProviderType(ProviderType.AWS_SECRETS_MANAGER)
@ConditionalOnClass(name = "software.amazon.awssdk.services.secretsmanager.SecretsManagerClient")
class AwsSecretsManagerProviderConfiguration {

	private static final String PREFIX = "provider.aws-secrets-manager.";

	@Bean
	CredentialProviderFactory awsSecretsManagerCredentialProviderFactory(
			ObjectProvider<AwsCredentialsProvider> applicationCredentials) {
		return new CredentialProviderFactory() {

			@Override
			public ProviderType type() {
				return ProviderType.AWS_SECRETS_MANAGER;
			}

			@Override
			public CredentialProvider create(String dataSourceName, CredentialProperties properties) {
				return createProvider(dataSourceName, properties, applicationCredentials);
			}

			// A secret has no expiry: it is read on its own interval, sized for a billed API.
			@Override
			public RefreshSettings refreshSettings(CredentialProperties properties) {
				RefreshSettings configured = properties.getRefresh().toSettings();
				return new RefreshSettings(configured.beforeExpiry(), configured.jitter(), configured.fetchTimeout(),
						properties.getProvider().getAwsSecretsManager().getRefreshInterval(), configured.minInterval(),
						configured.retry(), configured.lockout(), configured.mode());
			}

		};
	}

	private static CredentialProvider createProvider(String dataSourceName, CredentialProperties properties,
			ObjectProvider<AwsCredentialsProvider> applicationCredentials) {
		CredentialProperties.AwsSecretsManager settings = properties.getProvider().getAwsSecretsManager();
		String secretId = settings.getSecretId();
		if (!StringUtils.hasText(secretId)) {
			throw ProviderFactory.missing(dataSourceName, PREFIX + "secret-id",
					"the aws-secrets-manager provider reads one secret");
		}
		Duration interval = settings.getRefreshInterval();
		if (interval.isNegative() || interval.isZero()) {
			throw new RefreshingDataSourceConfigurationException("DataSource '" + dataSourceName
					+ "': refreshing.datasource." + PREFIX + "refresh-interval " + interval + " is not positive.",
					"Set refreshing.datasource." + PREFIX + "refresh-interval to a positive duration such as 1h.");
		}
		SecretsManagerClientBuilder builder = SecretsManagerClient.builder()
			.region(region(dataSourceName, settings, secretId))
			.credentialsProvider(AwsRdsIamProviderConfiguration.credentials(settings.getProfile(), applicationCredentials))
			// The SDK gives up when the cache would, so no call outlives its fetch.
			.overrideConfiguration((override) -> override.apiCallTimeout(properties.getRefresh().getFetchTimeout()));
		URI endpoint = settings.getEndpoint();
		if (endpoint != null) {
			if ("http".equalsIgnoreCase(endpoint.getScheme()) && !properties.isAllowInsecureTransport()) {
				throw new RefreshingDataSourceConfigurationException("DataSource '" + dataSourceName
						+ "': the Secrets Manager endpoint " + endpoint + " is plain HTTP; the database password would "
						+ "cross the network unencrypted.",
						"Use an https endpoint, or set refreshing.datasource.allow-insecure-transport=true for an "
								+ "endpoint on the same host.");
			}
			builder.endpointOverride(endpoint);
		}
		return new AwsSecretsManagerCredentialProvider(builder.build(), secretId, settings.getVersionStage(),
				settings.getUsernameField(), settings.getPasswordField());
	}

	private static Region region(String dataSourceName, CredentialProperties.AwsSecretsManager settings,
			String secretId) {
		if (StringUtils.hasText(settings.getRegion())) {
			return Region.of(settings.getRegion());
		}
		String fromArn = AwsSecretsManagerCredentialProvider.regionOf(secretId);
		if (fromArn != null) {
			return Region.of(fromArn);
		}
		try {
			return new DefaultAwsRegionProviderChain().getRegion();
		}
		catch (SdkClientException ex) {
			throw new RefreshingDataSourceConfigurationException("DataSource '" + dataSourceName
					+ "': the aws-secrets-manager provider needs the region of secret " + secretId
					+ ", and neither refreshing.datasource." + PREFIX + "region, an ARN nor the AWS SDK's region lookup "
					+ "names one.", "Set refreshing.datasource." + PREFIX + "region (or AWS_REGION), or give the "
							+ "secret's ARN as secret-id.", ex);
		}
	}

}
