package io.github.refreshingdatasource.autoconfigure;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Where a DataSource's credentials come from: the values of
 * {@code refreshing.datasource.provider.type}. Each constant names the configuration class
 * of its provider's package ({@code io.github.refreshingdatasource.autoconfigure.provider.<name>}),
 * which registers that provider's {@code CredentialProviderFactory}; adding a provider is a
 * new package and one constant here (the Spring Boot {@code CacheType} pattern).
 */
public enum ProviderType {

	/** A fixed username and password from configuration, for development. */
	STATIC("staticcredentials.StaticProviderConfiguration", null, false),

	/** A file written by Vault Agent, a Kubernetes secret mount or any rotator; re-read when it changes. */
	FILE("file.FileProviderConfiguration", null, false),

	/** The output of a program such as {@code az account get-access-token} or {@code aws rds generate-db-auth-token}. */
	COMMAND("command.CommandProviderConfiguration", null, false),

	/** An application bean implementing {@code CredentialProvider}. */
	BEAN("bean.BeanProviderConfiguration", null, false),

	/**
	 * An access token from an OAuth2 token endpoint (client credentials or a rotating
	 * refresh token), for databases and proxies that accept one as the password.
	 */
	OAUTH2("oauth2.OAuth2ProviderConfiguration", null, true),

	/** An RDS IAM authentication token, generated locally by the AWS SDK v2. */
	AWS_RDS_IAM("awsiam.AwsRdsIamProviderConfiguration", "software.amazon.awssdk:rds", true),

	/** A Microsoft Entra ID access token from Azure Identity, for Azure Database for PostgreSQL, MySQL and Azure SQL. */
	AZURE("azure.AzureProviderConfiguration", "com.azure:azure-identity", true),

	/**
	 * A Google OAuth2 access token (Application Default Credentials, a credentials file or
	 * bean, optionally impersonating a service account) for Cloud SQL IAM database users.
	 */
	GCP_CLOUDSQL_IAM("gcpiam.GcpCloudSqlIamProviderConfiguration", "com.google.auth:google-auth-library-oauth2-http",
			true),

	/** A database secret from AWS Secrets Manager (RDS-style JSON or plain text), read again on rotation. */
	AWS_SECRETS_MANAGER("awssecrets.AwsSecretsManagerProviderConfiguration", "software.amazon.awssdk:secretsmanager",
			false),

	/**
	 * Database credentials from HashiCorp Vault's database secrets engine (dynamic roles with
	 * lease renewal, static roles), through Spring Vault.
	 */
	VAULT("vault.VaultProviderConfiguration", "org.springframework.vault:spring-vault-core", false);

	private static final String PACKAGE = "io.github.refreshingdatasource.autoconfigure.provider.";

	private final String configurationClass;

	private final @Nullable String requiredDependency;

	private final boolean bearerToken;

	ProviderType(String configurationClass, @Nullable String requiredDependency, boolean bearerToken) {
		this.configurationClass = PACKAGE + configurationClass;
		this.requiredDependency = requiredDependency;
		this.bearerToken = bearerToken;
	}

	/**
	 * The value as written in properties and used as a metric tag.
	 * @return the lower-case, dashed name
	 */
	public String value() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	/**
	 * The configuration class of this provider, imported by the core auto-configuration.
	 * @return the fully qualified class name
	 */
	String configurationClass() {
		return this.configurationClass;
	}

	/**
	 * The Maven coordinates of the optional library this provider needs, if any.
	 * @return {@code groupId:artifactId}, or {@code null}
	 */
	public @Nullable String requiredDependency() {
		return this.requiredDependency;
	}

	/**
	 * Whether the password is a bearer token, which anyone who sees it can use until it
	 * expires: such providers demand TLS to the database.
	 * @return {@code true} for token providers
	 */
	public boolean bearerToken() {
		return this.bearerToken;
	}

}
