package io.github.refreshingdatasource.autoconfigure.provider.awssecrets;

import java.net.URI;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * A database secret in AWS Secrets Manager.
 */
@ConfigurationProperties("refreshing.datasource.provider.aws-secrets-manager")
public class AwsSecretsManagerProviderSettings {

	/**
	 * Name or ARN of the secret.
	 */
	private @Nullable String secretId;

	/**
	 * Version stage to read.
	 */
	private String versionStage = "AWSCURRENT";

	/**
	 * How often the secret is read again while logins succeed; a rejected login reads
	 * it at once. Each read is a billed API call.
	 */
	private Duration refreshInterval = Duration.ofHours(1);

	/**
	 * JSON field holding the username, when the secret is JSON.
	 */
	private String usernameField = "username";

	/**
	 * JSON field holding the password, when the secret is JSON.
	 */
	private String passwordField = "password";

	/**
	 * AWS region of the secret. Defaults to the one in an ARN, then to the AWS SDK's
	 * region lookup (AWS_REGION, profile).
	 */
	private @Nullable String region;

	/**
	 * Named profile of the AWS shared credentials and config files. When not set, an
	 * application AwsCredentialsProvider bean if there is exactly one, otherwise the
	 * SDK's default credentials chain.
	 */
	private @Nullable String profile;

	/**
	 * Secrets Manager endpoint, for a VPC endpoint or FIPS endpoint. Defaults to the
	 * region's.
	 */
	private @Nullable URI endpoint;

	public @Nullable String getSecretId() {
		return this.secretId;
	}

	public void setSecretId(@Nullable String secretId) {
		this.secretId = secretId;
	}

	public String getVersionStage() {
		return this.versionStage;
	}

	public void setVersionStage(String versionStage) {
		this.versionStage = versionStage;
	}

	public Duration getRefreshInterval() {
		return this.refreshInterval;
	}

	public void setRefreshInterval(Duration refreshInterval) {
		this.refreshInterval = refreshInterval;
	}

	public String getUsernameField() {
		return this.usernameField;
	}

	public void setUsernameField(String usernameField) {
		this.usernameField = usernameField;
	}

	public String getPasswordField() {
		return this.passwordField;
	}

	public void setPasswordField(String passwordField) {
		this.passwordField = passwordField;
	}

	public @Nullable String getRegion() {
		return this.region;
	}

	public void setRegion(@Nullable String region) {
		this.region = region;
	}

	public @Nullable String getProfile() {
		return this.profile;
	}

	public void setProfile(@Nullable String profile) {
		this.profile = profile;
	}

	public @Nullable URI getEndpoint() {
		return this.endpoint;
	}

	public void setEndpoint(@Nullable URI endpoint) {
		this.endpoint = endpoint;
	}

}
