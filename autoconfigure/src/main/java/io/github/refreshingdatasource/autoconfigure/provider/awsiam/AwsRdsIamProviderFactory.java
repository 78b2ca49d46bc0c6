package io.github.refreshingdatasource.autoconfigure.provider.awsiam;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.refreshingdatasource.autoconfigure.ProviderType;
import io.github.refreshingdatasource.autoconfigure.RefreshingDataSourceConfigurationException;
import io.github.refreshingdatasource.autoconfigure.provider.CredentialProviderFactory;
import io.github.refreshingdatasource.autoconfigure.provider.ProviderContext;
import io.github.refreshingdatasource.credentials.CredentialProvider;
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
import org.springframework.util.StringUtils;

/**
 * The {@code aws-rds-iam} provider: RDS IAM authentication tokens from the AWS SDK v2
 * ({@code software.amazon.awssdk:rds}), signed with a named profile, an application
 * {@link AwsCredentialsProvider} bean, or the SDK's default credentials chain. Host and port
 * default to the JDBC URL's, the region to the one in an RDS endpoint name.
 */
final class AwsRdsIamProviderFactory implements CredentialProviderFactory<AwsRdsIamProviderSettings> {

	/** {@code <instance>.<account hash>.<region>.rds.amazonaws.com} and the China partition. */
	private static final Pattern RDS_ENDPOINT = Pattern
		.compile("\\.([a-z]{2}(?:-[a-z]+)+-[0-9]+)\\.rds\\.amazonaws\\.com(?:\\.cn)?$");

	private static final String PREFIX = "provider.aws-rds-iam.";

	private final ObjectProvider<AwsCredentialsProvider> applicationCredentials;

	AwsRdsIamProviderFactory(ObjectProvider<AwsCredentialsProvider> applicationCredentials) {
		this.applicationCredentials = applicationCredentials;
	}

	@Override
	public ProviderType type() {
		return ProviderType.AWS_RDS_IAM;
	}

	@Override
	public Class<AwsRdsIamProviderSettings> settingsType() {
		return AwsRdsIamProviderSettings.class;
	}

	@Override
	public CredentialProvider create(ProviderContext context, AwsRdsIamProviderSettings settings) {
		JdbcUrl url = JdbcUrl.parse(context.jdbcUrl());
		String hostname = StringUtils.hasText(settings.getHostname()) ? settings.getHostname() : url.host();
		if (hostname == null) {
			throw context.missing(PREFIX + "hostname",
					"the aws-rds-iam provider signs for a database host, the JDBC URL names none");
		}
		int port = (settings.getPort() != null) ? settings.getPort() : url.port();
		if (port <= 0) {
			throw context.missing(PREFIX + "port",
					"the aws-rds-iam provider signs for a database port, the JDBC URL names none");
		}
		String username = StringUtils.hasText(settings.getUsername()) ? settings.getUsername()
				: context.username();
		if (!StringUtils.hasText(username)) {
			throw context.missing(PREFIX + "username",
					"the aws-rds-iam provider signs for a database user, and neither refreshing.datasource.username "
							+ "nor spring.datasource.username is set");
		}
		Region region = region(context, settings, hostname);
		AwsCredentialsProvider credentials = StringUtils.hasText(settings.getProfile())
				? ProfileCredentialsProvider.builder().profileName(settings.getProfile()).build()
				: this.applicationCredentials.getIfUnique(() -> DefaultCredentialsProvider.builder().build());
		RdsUtilities utilities = RdsUtilities.builder().credentialsProvider(credentials).region(region).build();
		return new AwsRdsIamCredentialProvider(utilities, hostname, port, username, region);
	}

	@Override
	public String rejectionHint(@Nullable String source, @Nullable String username) {
		String role = (username != null) ? username : "<user>";
		return "Grant IAM login to the user (PostgreSQL: GRANT rds_iam TO " + role
				+ "; MySQL: IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'), connect with SSL (sslmode=require), "
				+ "and check that the IAM policy allows rds-db:connect for this user and that the token was "
				+ "generated for this host, port and user.";
	}

	private static Region region(ProviderContext context, AwsRdsIamProviderSettings settings, String hostname) {
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
			throw new RefreshingDataSourceConfigurationException("DataSource '" + context.dataSourceName()
					+ "': the aws-rds-iam provider needs the region of the database, and neither "
					+ "refreshing.datasource." + PREFIX + "region, the host name (" + hostname
					+ ") nor the AWS SDK's region lookup names one.",
					"Set refreshing.datasource." + PREFIX + "region (or AWS_REGION).", ex);
		}
	}

}
