package io.github.refreshingdatasource.autoconfigure.provider.gcpiam;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Google OAuth2 access tokens for Cloud SQL IAM database authentication.
 */
@ConfigurationProperties("refreshing.datasource.provider.gcp-cloudsql-iam")
public class GcpCloudSqlIamProviderSettings {

	/**
	 * JSON credentials file (service account key, workload identity federation config)
	 * to use instead of Application Default Credentials. When not set, the application's
	 * single GoogleCredentials bean if there is one, otherwise Application Default
	 * Credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud, the metadata server).
	 */
	private @Nullable Path credentialsFile;

	/**
	 * Email of a service account to impersonate: its token, issued through the IAM
	 * Service Account Credentials API, becomes the password.
	 */
	private @Nullable String impersonateServiceAccount;

	/**
	 * Delegation chain of service accounts between the caller and the impersonated one,
	 * each allowed to create tokens for the next.
	 */
	private List<String> delegates = new ArrayList<>();

	/**
	 * Lifetime of an impersonated token; at most 1 hour unless the organization allows
	 * up to 12.
	 */
	private Duration tokenLifetime = Duration.ofHours(1);

	/**
	 * Base URL of the IAM Service Account Credentials API, for a Private Service Connect
	 * endpoint.
	 */
	private String iamCredentialsEndpoint = "https://iamcredentials.googleapis.com";

	public @Nullable Path getCredentialsFile() {
		return this.credentialsFile;
	}

	public void setCredentialsFile(@Nullable Path credentialsFile) {
		this.credentialsFile = credentialsFile;
	}

	public @Nullable String getImpersonateServiceAccount() {
		return this.impersonateServiceAccount;
	}

	public void setImpersonateServiceAccount(@Nullable String impersonateServiceAccount) {
		this.impersonateServiceAccount = impersonateServiceAccount;
	}

	public List<String> getDelegates() {
		return this.delegates;
	}

	public void setDelegates(List<String> delegates) {
		this.delegates = delegates;
	}

	public Duration getTokenLifetime() {
		return this.tokenLifetime;
	}

	public void setTokenLifetime(Duration tokenLifetime) {
		this.tokenLifetime = tokenLifetime;
	}

	public String getIamCredentialsEndpoint() {
		return this.iamCredentialsEndpoint;
	}

	public void setIamCredentialsEndpoint(String iamCredentialsEndpoint) {
		this.iamCredentialsEndpoint = iamCredentialsEndpoint;
	}

}
