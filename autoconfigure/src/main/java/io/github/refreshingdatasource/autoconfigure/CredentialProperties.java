package io.github.refreshingdatasource.autoconfigure;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.refreshingdatasource.credentials.RefreshMode;
import io.github.refreshingdatasource.credentials.RefreshSettings;
import io.github.refreshingdatasource.credentials.provider.azure.AzureTokenScope;
import io.github.refreshingdatasource.credentials.provider.oauth2.ClientAuthentication;
import io.github.refreshingdatasource.credentials.provider.oauth2.GrantType;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationUnit;

/**
 * Credential settings of one DataSource: the top-level {@code refreshing.datasource.*}
 * values, overridden per bean by {@code refreshing.datasource.datasources.<bean-name>.*}.
 */
public class CredentialProperties {

	/**
	 * Whether to bind rotating credentials to this DataSource.
	 */
	private boolean enabled = true;

	/**
	 * Username for credentials whose source does not name one (a token, a plain-text
	 * password file). Defaults to spring.datasource.username.
	 */
	private @Nullable String username;

	/**
	 * What to do with pooled connections when a new credential arrives.
	 */
	private OnRotation onRotation = OnRotation.KEEP;

	/**
	 * Whether a provider whose token is the password (azure, aws-rds-iam, oauth2) may send
	 * it over a connection without TLS (a JDBC URL that turns TLS off or leaves it
	 * optional) or fetch it from a token endpoint over plain HTTP. Only for a database on
	 * the same host, such as a local test database.
	 */
	private boolean allowInsecureTransport;

	private final Provider provider = new Provider();

	private final Refresh refresh = new Refresh();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getUsername() {
		return this.username;
	}

	public void setUsername(@Nullable String username) {
		this.username = username;
	}

	public OnRotation getOnRotation() {
		return this.onRotation;
	}

	public void setOnRotation(OnRotation onRotation) {
		this.onRotation = onRotation;
	}

	public boolean isAllowInsecureTransport() {
		return this.allowInsecureTransport;
	}

	public void setAllowInsecureTransport(boolean allowInsecureTransport) {
		this.allowInsecureTransport = allowInsecureTransport;
	}

	public Provider getProvider() {
		return this.provider;
	}

	public Refresh getRefresh() {
		return this.refresh;
	}

	/**
	 * Where credentials come from.
	 */
	public static class Provider {

		/**
		 * Credential provider type. When not set, the single CredentialProvider bean of the
		 * application, if there is exactly one.
		 */
		private @Nullable ProviderType type;

		private final Static staticCredentials = new Static();

		private final File file = new File();

		private final Command command = new Command();

		private final Bean bean = new Bean();

		private final OAuth2 oauth2 = new OAuth2();

		private final AwsRdsIam awsRdsIam = new AwsRdsIam();

		private final Azure azure = new Azure();

		private final GcpCloudSqlIam gcpCloudsqlIam = new GcpCloudSqlIam();

		private final AwsSecretsManager awsSecretsManager = new AwsSecretsManager();

		public @Nullable ProviderType getType() {
			return this.type;
		}

		public void setType(@Nullable ProviderType type) {
			this.type = type;
		}

		/**
		 * Fixed username and password, for development.
		 * @return the static provider settings
		 */
		public Static getStatic() {
			return this.staticCredentials;
		}

		public File getFile() {
			return this.file;
		}

		public Command getCommand() {
			return this.command;
		}

		public Bean getBean() {
			return this.bean;
		}

		public OAuth2 getOauth2() {
			return this.oauth2;
		}

		public AwsRdsIam getAwsRdsIam() {
			return this.awsRdsIam;
		}

		public Azure getAzure() {
			return this.azure;
		}

		public GcpCloudSqlIam getGcpCloudsqlIam() {
			return this.gcpCloudsqlIam;
		}

		public AwsSecretsManager getAwsSecretsManager() {
			return this.awsSecretsManager;
		}

	}

	/**
	 * A fixed username and password.
	 */
	public static class Static {

		/**
		 * Login username.
		 */
		private @Nullable String username;

		/**
		 * Login password.
		 */
		private @Nullable String password;

		public @Nullable String getUsername() {
			return this.username;
		}

		public void setUsername(@Nullable String username) {
			this.username = username;
		}

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			this.password = password;
		}

	}

	/**
	 * A credential file: plain text (the password) or JSON.
	 */
	public static class File {

		/**
		 * Path of the credential file. Re-read when it changes.
		 */
		private @Nullable Path path;

		/**
		 * JSON field holding the password or token.
		 */
		private String passwordField = "password";

		/**
		 * JSON field holding the username.
		 */
		private String usernameField = "username";

		/**
		 * JSON field holding the expiry: an ISO-8601 instant or epoch seconds.
		 */
		private String expiresAtField = "expires_at";

		public @Nullable Path getPath() {
			return this.path;
		}

		public void setPath(@Nullable Path path) {
			this.path = path;
		}

		public String getPasswordField() {
			return this.passwordField;
		}

		public void setPasswordField(String passwordField) {
			this.passwordField = passwordField;
		}

		public String getUsernameField() {
			return this.usernameField;
		}

		public void setUsernameField(String usernameField) {
			this.usernameField = usernameField;
		}

		public String getExpiresAtField() {
			return this.expiresAtField;
		}

		public void setExpiresAtField(String expiresAtField) {
			this.expiresAtField = expiresAtField;
		}

	}

	/**
	 * A program whose standard output is the token, or JSON holding it.
	 */
	public static class Command {

		/**
		 * Program and arguments, for example [sh, -c, "vault read -field=password db/creds/app"].
		 */
		private List<String> command = new ArrayList<>();

		/**
		 * How long the program may run before it is killed.
		 */
		private Duration timeout = Duration.ofSeconds(10);

		/**
		 * JSON field holding the token or password, when the output is JSON.
		 */
		private String tokenField = "token";

		/**
		 * JSON field holding the username, when the output is JSON.
		 */
		private String usernameField = "username";

		/**
		 * JSON field holding the expiry (ISO-8601 instant or epoch seconds), when the output
		 * is JSON.
		 */
		private String expiresAtField = "expires_at";

		public List<String> getCommand() {
			return this.command;
		}

		public void setCommand(List<String> command) {
			this.command = command;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public String getTokenField() {
			return this.tokenField;
		}

		public void setTokenField(String tokenField) {
			this.tokenField = tokenField;
		}

		public String getUsernameField() {
			return this.usernameField;
		}

		public void setUsernameField(String usernameField) {
			this.usernameField = usernameField;
		}

		public String getExpiresAtField() {
			return this.expiresAtField;
		}

		public void setExpiresAtField(String expiresAtField) {
			this.expiresAtField = expiresAtField;
		}

	}

	/**
	 * An application bean implementing CredentialProvider.
	 */
	public static class Bean {

		/**
		 * Name of the CredentialProvider bean. When not set, the single CredentialProvider
		 * bean.
		 */
		private @Nullable String name;

		public @Nullable String getName() {
			return this.name;
		}

		public void setName(@Nullable String name) {
			this.name = name;
		}

	}

	/**
	 * An OAuth2 token endpoint whose access token is the password.
	 */
	public static class OAuth2 {

		/**
		 * Token endpoint URI, for example https://login.example.com/oauth2/token.
		 */
		private @Nullable URI tokenUri;

		/**
		 * Grant used to obtain access tokens.
		 */
		private GrantType grantType = GrantType.CLIENT_CREDENTIALS;

		/**
		 * Client identifier.
		 */
		private @Nullable String clientId;

		/**
		 * Client secret. Not needed with client-authentication 'none'.
		 */
		private @Nullable String clientSecret;

		/**
		 * How the client authenticates to the token endpoint.
		 */
		private ClientAuthentication clientAuthentication = ClientAuthentication.CLIENT_SECRET_BASIC;

		/**
		 * Scopes to request. When empty, the token endpoint chooses.
		 */
		private List<String> scope = new ArrayList<>();

		/**
		 * Further form parameters of the token request, such as 'audience' or 'resource'.
		 */
		private Map<String, String> parameters = new LinkedHashMap<>();

		/**
		 * Refresh token to start from, with the refresh-token grant. When the store is a
		 * file holding a newer token of the same chain, the file wins.
		 */
		private @Nullable String refreshToken;

		/**
		 * Where the newest refresh token is kept when the token endpoint rotates it.
		 */
		private RefreshTokenStoreType refreshTokenStore = RefreshTokenStoreType.MEMORY;

		/**
		 * File holding the newest refresh token, with refresh-token-store 'file'. Written
		 * atomically, readable by its owner only.
		 */
		private @Nullable Path refreshTokenFile;

		public @Nullable URI getTokenUri() {
			return this.tokenUri;
		}

		public void setTokenUri(@Nullable URI tokenUri) {
			this.tokenUri = tokenUri;
		}

		public GrantType getGrantType() {
			return this.grantType;
		}

		public void setGrantType(GrantType grantType) {
			this.grantType = grantType;
		}

		public @Nullable String getClientId() {
			return this.clientId;
		}

		public void setClientId(@Nullable String clientId) {
			this.clientId = clientId;
		}

		public @Nullable String getClientSecret() {
			return this.clientSecret;
		}

		public void setClientSecret(@Nullable String clientSecret) {
			this.clientSecret = clientSecret;
		}

		public ClientAuthentication getClientAuthentication() {
			return this.clientAuthentication;
		}

		public void setClientAuthentication(ClientAuthentication clientAuthentication) {
			this.clientAuthentication = clientAuthentication;
		}

		public List<String> getScope() {
			return this.scope;
		}

		public void setScope(List<String> scope) {
			this.scope = scope;
		}

		public Map<String, String> getParameters() {
			return this.parameters;
		}

		public void setParameters(Map<String, String> parameters) {
			this.parameters = parameters;
		}

		public @Nullable String getRefreshToken() {
			return this.refreshToken;
		}

		public void setRefreshToken(@Nullable String refreshToken) {
			this.refreshToken = refreshToken;
		}

		public RefreshTokenStoreType getRefreshTokenStore() {
			return this.refreshTokenStore;
		}

		public void setRefreshTokenStore(RefreshTokenStoreType refreshTokenStore) {
			this.refreshTokenStore = refreshTokenStore;
		}

		public @Nullable Path getRefreshTokenFile() {
			return this.refreshTokenFile;
		}

		public void setRefreshTokenFile(@Nullable Path refreshTokenFile) {
			this.refreshTokenFile = refreshTokenFile;
		}

		@Override
		public String toString() {
			return "OAuth2[tokenUri=" + this.tokenUri + ", clientId=" + this.clientId + ", grantType=" + this.grantType
					+ "]";
		}

	}

	/**
	 * RDS IAM authentication tokens, generated locally by the AWS SDK.
	 */
	public static class AwsRdsIam {

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

	/**
	 * Microsoft Entra ID access tokens from Azure Identity.
	 */
	public static class Azure {

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
			return "Azure[credential=" + this.credential + ", clientId=" + this.clientId + ", tenantId=" + this.tenantId
					+ "]";
		}

	}

	/**
	 * Google OAuth2 access tokens for Cloud SQL IAM database authentication.
	 */
	public static class GcpCloudSqlIam {

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

	/**
	 * A database secret in AWS Secrets Manager.
	 */
	public static class AwsSecretsManager {

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

	/**
	 * Where a rotating refresh token is kept.
	 */
	public enum RefreshTokenStoreType {

		/** In memory: a restart starts again from the configured refresh token. */
		MEMORY,

		/** In a file, so a restart continues the chain. */
		FILE

	}

	/**
	 * When credentials are refreshed and how failed fetches are retried.
	 */
	public static class Refresh {

		/**
		 * When a still-valid credential is refreshed: 'background' refreshes ahead of expiry
		 * on a scheduler thread; 'lazy' refreshes when a new connection finds the credential
		 * inside the refresh margin, with no scheduler thread, for serverless and
		 * scale-to-zero containers whose CPU is throttled between requests.
		 */
		private RefreshMode mode = RefreshMode.BACKGROUND;

		/**
		 * Time before expiry at which a credential living less than an hour is refreshed
		 * (never before half its lifetime has passed). Credentials living an hour or more
		 * are refreshed at half their lifetime.
		 */
		private Duration beforeExpiry = Duration.ofMinutes(4);

		/**
		 * Largest random amount by which a scheduled refresh is brought forward, so a fleet
		 * does not refresh in the same second (at most a quarter of the delay).
		 */
		private Duration jitter = Duration.ofSeconds(30);

		/**
		 * How long one provider call may take, and how long a new connection waits for a
		 * credential.
		 */
		private Duration fetchTimeout = Duration.ofSeconds(10);

		/**
		 * How often a credential without a stated expiry is fetched again.
		 */
		private Duration defaultLifetime = Duration.ofMinutes(15);

		/**
		 * Shortest time between two scheduled refreshes, so a source that keeps returning a
		 * credential close to its expiry is not polled in a tight loop.
		 */
		@DurationUnit(java.time.temporal.ChronoUnit.MILLIS)
		private Duration minInterval = Duration.ofSeconds(1);

		private final Retry retry = new Retry();

		private final Lockout lockout = new Lockout();

		public RefreshMode getMode() {
			return this.mode;
		}

		public void setMode(RefreshMode mode) {
			this.mode = mode;
		}

		public Duration getBeforeExpiry() {
			return this.beforeExpiry;
		}

		public void setBeforeExpiry(Duration beforeExpiry) {
			this.beforeExpiry = beforeExpiry;
		}

		public Duration getJitter() {
			return this.jitter;
		}

		public void setJitter(Duration jitter) {
			this.jitter = jitter;
		}

		public Duration getFetchTimeout() {
			return this.fetchTimeout;
		}

		public void setFetchTimeout(Duration fetchTimeout) {
			this.fetchTimeout = fetchTimeout;
		}

		public Duration getDefaultLifetime() {
			return this.defaultLifetime;
		}

		public void setDefaultLifetime(Duration defaultLifetime) {
			this.defaultLifetime = defaultLifetime;
		}

		public Duration getMinInterval() {
			return this.minInterval;
		}

		public void setMinInterval(Duration minInterval) {
			this.minInterval = minInterval;
		}

		public Retry getRetry() {
			return this.retry;
		}

		public Lockout getLockout() {
			return this.lockout;
		}

		RefreshSettings toSettings() {
			return new RefreshSettings(this.beforeExpiry, this.jitter, this.fetchTimeout, this.defaultLifetime,
					this.minInterval,
					new RefreshSettings.Retry(this.retry.maxAttempts, this.retry.initialInterval, this.retry.multiplier,
							this.retry.maxInterval),
					new RefreshSettings.Lockout(this.lockout.maxConsecutiveRejections, this.lockout.pause,
							this.lockout.maxPause),
					this.mode);
		}

	}

	/**
	 * Retries of a failed fetch: exponential backoff with jitter.
	 */
	public static class Retry {

		/**
		 * Attempts per refresh, the first included.
		 */
		private int maxAttempts = 5;

		/**
		 * Wait before the second attempt.
		 */
		@DurationUnit(java.time.temporal.ChronoUnit.MILLIS)
		private Duration initialInterval = Duration.ofMillis(200);

		/**
		 * Factor applied to the wait after each attempt.
		 */
		private double multiplier = 2.0;

		/**
		 * Longest wait between attempts; also the pause after a refresh that failed every
		 * attempt before the next refresh.
		 */
		private Duration maxInterval = Duration.ofSeconds(10);

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getInitialInterval() {
			return this.initialInterval;
		}

		public void setInitialInterval(Duration initialInterval) {
			this.initialInterval = initialInterval;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getMaxInterval() {
			return this.maxInterval;
		}

		public void setMaxInterval(Duration maxInterval) {
			this.maxInterval = maxInterval;
		}

	}

	/**
	 * The account-lockout guard: pauses logins after repeated rejections, so a pool does not
	 * lock the account by retrying a rejected password.
	 */
	public static class Lockout {

		/**
		 * Rejected logins in a row, with credentials that never logged in, after which no
		 * credential is handed to the pool for a pause (so no login reaches the database).
		 * Each further rejection starts the next pause. 0 turns the guard off.
		 */
		private int maxConsecutiveRejections = 3;

		/**
		 * The first pause. Each further pause in the same run of rejections doubles it.
		 */
		private Duration pause = Duration.ofSeconds(30);

		/**
		 * The longest pause.
		 */
		private Duration maxPause = Duration.ofMinutes(5);

		public int getMaxConsecutiveRejections() {
			return this.maxConsecutiveRejections;
		}

		public void setMaxConsecutiveRejections(int maxConsecutiveRejections) {
			this.maxConsecutiveRejections = maxConsecutiveRejections;
		}

		public Duration getPause() {
			return this.pause;
		}

		public void setPause(Duration pause) {
			this.pause = pause;
		}

		public Duration getMaxPause() {
			return this.maxPause;
		}

		public void setMaxPause(Duration maxPause) {
			this.maxPause = maxPause;
		}

	}

}
