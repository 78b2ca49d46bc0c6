package io.github.refreshingdatasource.autoconfigure.provider.azure;

import java.nio.file.Path;

import io.github.refreshingdatasource.credentials.provider.azure.AzureTokenScope;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Microsoft Entra ID access tokens from Azure Identity.
 */
@ConfigurationProperties("refreshing.datasource.provider.azure")
public class AzureProviderSettings {

	/**
	 * Which Azure Identity credential to use. When not set, the application's single
	 * TokenCredential bean if there is one, otherwise 'default' (DefaultAzureCredential).
	 */
	private @Nullable AzureCredentialType credential;

	/**
	 * Client id: of the user-assigned managed identity, the workload identity, or the
	 * app registration (client-secret, client-certificate).
	 */
	private @Nullable String clientId;

	/**
	 * Directory (tenant) id.
	 */
	private @Nullable String tenantId;

	/**
	 * Client secret, with credential 'client-secret'.
	 */
	private @Nullable String clientSecret;

	/**
	 * Path of the client certificate (PEM, or PFX/PKCS#12), with credential
	 * 'client-certificate'.
	 */
	private @Nullable String certificatePath;

	/**
	 * Password of a PFX client certificate.
	 */
	private @Nullable String certificatePassword;

	/**
	 * Microsoft Entra authority host. Defaults to the cloud's.
	 */
	private @Nullable String authorityHost;

	/**
	 * Database service the token is for, which chooses the scope. Defaults to the
	 * database of the JDBC URL (MariaDB counts as MySQL).
	 */
	private AzureTokenScope.@Nullable Database database;

	/**
	 * Azure cloud, which chooses the scope and the default authority host.
	 */
	private AzureTokenScope.Cloud cloud = AzureTokenScope.Cloud.AZURE;

	/**
	 * Token scope, overriding the one chosen by database and cloud.
	 */
	private @Nullable String scope;

	public @Nullable AzureCredentialType getCredential() {
		return this.credential;
	}

	public void setCredential(@Nullable AzureCredentialType credential) {
		this.credential = credential;
	}

	public @Nullable String getClientId() {
		return this.clientId;
	}

	public void setClientId(@Nullable String clientId) {
		this.clientId = clientId;
	}

	public @Nullable String getTenantId() {
		return this.tenantId;
	}

	public void setTenantId(@Nullable String tenantId) {
		this.tenantId = tenantId;
	}

	public @Nullable String getClientSecret() {
		return this.clientSecret;
	}

	public void setClientSecret(@Nullable String clientSecret) {
		this.clientSecret = clientSecret;
	}

	public @Nullable String getCertificatePath() {
		return this.certificatePath;
	}

	public void setCertificatePath(@Nullable String certificatePath) {
		this.certificatePath = certificatePath;
	}

	public @Nullable String getCertificatePassword() {
		return this.certificatePassword;
	}

	public void setCertificatePassword(@Nullable String certificatePassword) {
		this.certificatePassword = certificatePassword;
	}

	public @Nullable String getAuthorityHost() {
		return this.authorityHost;
	}

	public void setAuthorityHost(@Nullable String authorityHost) {
		this.authorityHost = authorityHost;
	}

	public AzureTokenScope.@Nullable Database getDatabase() {
		return this.database;
	}

	public void setDatabase(AzureTokenScope.@Nullable Database database) {
		this.database = database;
	}

	public AzureTokenScope.Cloud getCloud() {
		return this.cloud;
	}

	public void setCloud(AzureTokenScope.Cloud cloud) {
		this.cloud = cloud;
	}

	public @Nullable String getScope() {
		return this.scope;
	}

	public void setScope(@Nullable String scope) {
		this.scope = scope;
	}

	@Override
	public String toString() {
		return "AzureProviderSettings[credential=" + this.credential + ", clientId=" + this.clientId + ", tenantId=" + this.tenantId
				+ "]";
	}

	/**
	 * The Azure Identity credentials the azure provider can build.
	 */
	public enum AzureCredentialType {

		/** DefaultAzureCredential: environment, workload identity, managed identity, developer tools. */
		DEFAULT,

		/** ManagedIdentityCredential: system- or user-assigned (client-id) managed identity. */
		MANAGED_IDENTITY,

		/** WorkloadIdentityCredential: AKS workload identity (federated token file). */
		WORKLOAD_IDENTITY,

		/** ClientSecretCredential: an app registration's secret. */
		CLIENT_SECRET,

		/** ClientCertificateCredential: an app registration's certificate. */
		CLIENT_CERTIFICATE,

		/** AzureCliCredential: the signed-in Azure CLI, for development. */
		AZURE_CLI

	}

}
