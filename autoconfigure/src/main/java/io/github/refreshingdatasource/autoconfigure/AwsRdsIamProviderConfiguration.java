package io.github.refreshingdatasource.autoconfigure;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.refreshingdatasource.credentials.provider.awsiam.AwsRdsIamCredentialProvider;
import io.github.refreshingdatasource.jdbc.JdbcUrl;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.rds.RdsUtilities;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.StringUtils;

/**
 * The {@code aws-rds-iam} provider: RDS IAM authentication tokens from the AWS SDK v2
 * ({@code software.amazon.awssdk:rds}), signed with a named profile, an application
 * {@link AwsCredentialsProvider} bean, or the SDK's default credentials chain. Host and port
 * default to the JDBC URL's, the region to the one in an RDS endpoint name.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProviderType(ProviderType.AWS_RDS_IAM)
@ConditionalOnClass(name = "software.amazon.awssdk.services.rds.RdsUtilities")
class AwsRdsIamProviderConfiguration {

	/** {@code <instance>.<account hash>.<region>.rds.amazonaws.com} and the China partition. */
	private static final Pattern RDS_ENDPOINT = Pattern
		.compile("\\.([a-z]{2}(?:-[a-z]+)+-[0-9]+)\\.rds\\.amazonaws\\.com(?:\\.cn)?$");

	private static final String PREFIX = "provider.aws-rds-iam.";

	@Bean
	CredentialProviderFactory awsRdsIamCredentialProviderFactory(
			ObjectProvider<AwsCredentialsProvider> applicationCredentials) {
		return new ProviderFactory(ProviderType.AWS_RDS_IAM, (dataSourceName, properties, dataSource) -> {
			CredentialProperties.AwsRdsIam settings = properties.getProvider().getAwsRdsIam();
			JdbcUrl url = JdbcUrl.parse(dataSource.jdbcUrl());
			String hostname = StringUtils.hasText(settings.getHostname()) ? settings.getHostname() : url.host();
			if (hostname == null) {
				throw ProviderFactory.missing(dataSourceName, PREFIX + "hostname",
						"the aws-rds-iam provider signs for a database host, the JDBC URL names none");
			}
			int port = (settings.getPort() != null) ? settings.getPort() : url.port();
			if (port <= 0) {
				throw ProviderFactory.missing(dataSourceName, PREFIX + "port",
						"the aws-rds-iam provider signs for a database port, the JDBC URL names none");
			}
			String username = StringUtils.hasText(settings.getUsername()) ? settings.getUsername()
					: dataSource.username();
			if (!StringUtils.hasText(username)) {
				throw ProviderFactory.missing(dataSourceName, PREFIX + "username",
						"the aws-rds-iam provider signs for a database user, and neither refreshing.datasource.username "
								+ "nor spring.datasource.username is set");
			}
			Region region = region(dataSourceName, settings, hostname);
			AwsCredentialsProvider credentials = credentials(settings.getProfile(), applicationCredentials);
			RdsUtilities utilities = RdsUtilities.builder().credentialsProvider(credentials).region(region).build();
			return new AwsRdsIamCredentialProvider(utilities, hostname, port, username, region);
		});
	}

	/**
	 * The AWS credentials to sign with: a named profile, else the application's single
	 * {@link AwsCredentialsProvider} bean, else the SDK's default chain. Shared with the
	 * aws-secrets-manager provider.
	 */
	static AwsCredentialsProvider credentials(@Nullable String profile,
			ObjectProvider<AwsCredentialsProvider> applicationCredentials) {
		return StringUtils.hasText(profile) ? ProfileCredentialsProvider.builder().profileName(profile).build()
				: applicationCredentials.getIfUnique(() -> DefaultCredentialsProvider.builder().build());
	}

	private static Region region(String dataSourceName, CredentialProperties.AwsRdsIam settings, String hostname) {
		if (StringUtils.hasText(settings.getRegion())) {
			return Region.of(settings.getRegion());
		}
		Matcher endpoint = RDS_ENDPOINT.matcher(hostname);
		if (endpoint.find()) {
			return Region.of(endpoint.group(1));
		}
		try {
			return new DefaultAwsRegionProviderChain().getRegion();
		}
		catch (SdkClientException ex) {
			throw new RefreshingDataSourceConfigurationException("DataSource '" + dataSourceName
					+ "': the aws-rds-iam provider needs the region of the database, and neither "
					+ "refreshing.datasource." + PREFIX + "region, the host name (" + hostname
					+ ") nor the AWS SDK's region lookup names one.",
					"Set refreshing.datasource." + PREFIX + "region (or AWS_REGION).", ex);
		}
	}

}
