package io.github.refreshingdatasource.autoconfigure.provider.awsiam;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * RDS IAM authentication tokens, generated locally by the AWS SDK.
 */
@ConfigurationProperties("refreshing.datasource.provider.aws-rds-iam")
public class AwsRdsIamProviderSettings {

	/**
	 * Database endpoint the token is signed for. Defaults to the host of the JDBC URL.
	 */
	private @Nullable String hostname;

	/**
	 * Database port the token is signed for. Defaults to the port of the JDBC URL, or
	 * the database's default port.
	 */
	private @Nullable Integer port;

	/**
	 * AWS region of the database, for example eu-west-1. Defaults to the region in an
	 * RDS endpoint name, then to the AWS SDK's region lookup (AWS_REGION, profile).
	 */
	private @Nullable String region;

	/**
	 * Database user the token is signed for. Defaults to refreshing.datasource.username,
	 * then spring.datasource.username.
	 */
	private @Nullable String username;

	/**
	 * Named profile of the AWS shared credentials and config files to sign with. When not
	 * set, an application AwsCredentialsProvider bean if there is exactly one, otherwise
	 * the SDK's default credentials chain.
	 */
	private @Nullable String profile;

	public @Nullable String getHostname() {
		return this.hostname;
	}

	public void setHostname(@Nullable String hostname) {
		this.hostname = hostname;
	}

	public @Nullable Integer getPort() {
		return this.port;
	}

	public void setPort(@Nullable Integer port) {
		this.port = port;
	}

	public @Nullable String getRegion() {
		return this.region;
	}

	public void setRegion(@Nullable String region) {
		this.region = region;
	}

	public @Nullable String getUsername() {
		return this.username;
	}

	public void setUsername(@Nullable String username) {
		this.username = username;
	}

	public @Nullable String getProfile() {
		return this.profile;
	}

	public void setProfile(@Nullable String profile) {
		this.profile = profile;
	}

}
