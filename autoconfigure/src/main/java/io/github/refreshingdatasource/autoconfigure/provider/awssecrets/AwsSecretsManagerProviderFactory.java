package io.github.refreshingdatasource.autoconfigure.provider.awssecrets;

import java.net.URI;

import io.github.refreshingdatasource.autoconfigure.ProviderType;
import io.github.refreshingdatasource.autoconfigure.RefreshingDataSourceConfigurationException;
import io.github.refreshingdatasource.autoconfigure.provider.CredentialProviderFactory;
import io.github.refreshingdatasource.autoconfigure.provider.ProviderContext;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.RefreshSettings;
import io.github.refreshingdatasource.credentials.provider.awssecrets.AwsSecretsManagerCredentialProvider;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClientBuilder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.util.StringUtils;

/**
 * The {@code aws-secrets-manager} provider: a database secret read with the AWS SDK v2,
 * with a named profile, an application {@link AwsCredentialsProvider} bean, or the SDK's
 * default credentials chain, in the region of the secret's ARN unless configured. The secret
 * is read again every {@code refresh-interval} and at once when the database rejects it.
 */
final class AwsSecretsManagerProviderFactory implements CredentialProviderFactory<AwsSecretsManagerProviderSettings> {

	private static final String PREFIX = "provider.aws-secrets-manager.";

	private final ObjectProvider<AwsCredentialsProvider> applicationCredentials;

	AwsSecretsManagerProviderFactory(ObjectProvider<AwsCredentialsProvider> applicationCredentials) {
		this.applicationCredentials = applicationCredentials;
	}

	@Override
	public ProviderType type() {
		return ProviderType.AWS_SECRETS_MANAGER;
	}

	@Override
	public Class<AwsSecretsManagerProviderSettings> settingsType() {
		return AwsSecretsManagerProviderSettings.class;
	}

	@Override
	public CredentialProvider create(ProviderContext context, AwsSecretsManagerProviderSettings settings) {
		String secretId = settings.getSecretId();
		if (!StringUtils.hasText(secretId)) {
			throw context.missing(PREFIX + "secret-id", "the aws-secrets-manager provider reads one secret");
		}
		if (settings.getRefreshInterval().isNegative() || settings.getRefreshInterval().isZero()) {
			throw context.invalid(ProviderContext.property(PREFIX + "refresh-interval") + " "
					+ settings.getRefreshInterval() + " is not positive.",
					"Set " + ProviderContext.property(PREFIX + "refresh-interval") + " to a duration such as 1h.");
		}
		AwsCredentialsProvider credentials = StringUtils.hasText(settings.getProfile())
				? ProfileCredentialsProvider.builder().profileName(settings.getProfile()).build()
				: this.applicationCredentials.getIfUnique(() -> DefaultCredentialsProvider.builder().build());
		SecretsManagerClientBuilder builder = SecretsManagerClient.builder()
			.region(region(context, settings, secretId))
			.credentialsProvider(credentials)
			// The SDK gives up when the cache would, so no call outlives its fetch.
			.overrideConfiguration((override) -> override.apiCallTimeout(context.fetchTimeout()));
		URI endpoint = settings.getEndpoint();
		if (endpoint != null) {
			if ("http".equalsIgnoreCase(endpoint.getScheme()) && !context.properties().isAllowInsecureTransport()) {
				throw context.invalid("the Secrets Manager endpoint " + endpoint + " is plain HTTP; the database "
						+ "password would cross the network unencrypted.",
						"Use an https endpoint, or set refreshing.datasource.allow-insecure-transport=true for an "
								+ "endpoint on the same host.");
			}
			builder.endpointOverride(endpoint);
		}
		return new AwsSecretsManagerCredentialProvider(builder.build(), secretId, settings.getVersionStage(),
				settings.getUsernameField(), settings.getPasswordField());
	}

	/** A secret has no expiry: it is read again on its own interval, sized for a billed API. */
	@Override
	public RefreshSettings refreshSettings(RefreshSettings configured, AwsSecretsManagerProviderSettings settings) {
		return new RefreshSettings(configured.beforeExpiry(), configured.jitter(), configured.fetchTimeout(),
				settings.getRefreshInterval(), configured.minInterval(), configured.retry(), configured.lockout(),
				configured.mode(), configured.manualMinInterval());
	}

	@Override
	public @Nullable String credentialSource(AwsSecretsManagerProviderSettings settings) {
		return settings.getSecretId();
	}

	@Override
	public String rejectionHint(@Nullable String source, @Nullable String username) {
		String user = (username != null) ? "'" + username + "'" : "the configured user";
		return "Check that the secret " + ((source != null) ? source : "(not known)") + " holds the current password of "
				+ user + ": did its rotation finish (AWSCURRENT moved to the new version once the database accepted "
				+ "it), and was the password changed outside the rotation?";
	}

	private static Region region(ProviderContext context, AwsSecretsManagerProviderSettings settings,
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
			throw new RefreshingDataSourceConfigurationException("DataSource '" + context.dataSourceName()
					+ "': the aws-secrets-manager provider needs the region of secret " + secretId + ", and neither "
					+ ProviderContext.property(PREFIX + "region") + ", an ARN nor the AWS SDK's region lookup names one.",
					"Set " + ProviderContext.property(PREFIX + "region") + " (or AWS_REGION), or give the secret's ARN "
							+ "as secret-id.", ex);
		}
	}

}
