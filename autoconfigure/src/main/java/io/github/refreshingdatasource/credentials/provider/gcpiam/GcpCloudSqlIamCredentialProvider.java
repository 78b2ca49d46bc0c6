package io.github.refreshingdatasource.credentials.provider.gcpiam;

import java.io.IOException;
import java.util.Date;
import java.util.List;
import java.util.Locale;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ImpersonatedCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.DbCredential;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * An OAuth2 access token of a Google Cloud principal as the password of a Cloud SQL IAM
 * database user, from the Google Auth Library. Every fetch asks the credentials for a new
 * token ({@link GoogleCredentials#refreshAccessToken()}), leaving the library's own cache
 * alone, so the token's stated expiry (about an hour; less on Cloud Run) drives the
 * refresh and a new connection never waits for one.
 * <p>
 * The token is scoped to {@value #SQL_LOGIN_SCOPE} only: it lets its holder log in to
 * Cloud SQL, and nothing else.
 */
public final class GcpCloudSqlIamCredentialProvider implements CredentialProvider {

	/** The scope Cloud SQL accepts for IAM database logins, and no more. */
	public static final String SQL_LOGIN_SCOPE = "https://www.googleapis.com/auth/sqlservice.login";

	/** The IAM Service Account Credentials API, which issues impersonated tokens. */
	public static final String IAM_CREDENTIALS_ENDPOINT = "https://iamcredentials.googleapis.com";

	private static final String SERVICE_ACCOUNT_SUFFIX = ".gserviceaccount.com";

	private final GoogleCredentials credentials;

	private final @Nullable String username;

	/**
	 * Create a provider.
	 * @param credentials credentials already limited to {@link #SQL_LOGIN_SCOPE} (see
	 * {@link #scoped} and {@link #impersonating})
	 * @param username the database user, or {@code null} to use the DataSource's
	 */
	public GcpCloudSqlIamCredentialProvider(GoogleCredentials credentials, @Nullable String username) {
		Assert.notNull(credentials, "credentials must not be null");
		this.credentials = credentials;
		this.username = username;
	}

	/**
	 * The given credentials limited to {@link #SQL_LOGIN_SCOPE}. Credentials that carry no
	 * scopes of their own (user credentials from {@code gcloud auth application-default
	 * login}) are returned as they are.
	 * @param source the credentials, from Application Default Credentials or the application
	 * @return the scoped credentials
	 */
	public static GoogleCredentials scoped(GoogleCredentials source) {
		return source.createScoped(List.of(SQL_LOGIN_SCOPE));
	}

	/**
	 * Credentials that impersonate a target service account, as the Cloud SQL connector
	 * does: the source credentials call the IAM Service Account Credentials API, through the
	 * delegation chain if one is given, for a token of the target scoped to
	 * {@link #SQL_LOGIN_SCOPE}.
	 * @param source the caller's credentials (granted
	 * {@code roles/iam.serviceAccountTokenCreator} on the first delegate or the target)
	 * @param targetServiceAccount the email of the service account to act as
	 * @param delegates the chain of service accounts between source and target, each granted
	 * the token creator role on the next; may be empty
	 * @param lifetimeSeconds how long the token lives, at most 3600 unless the organization
	 * allows up to 43200
	 * @param iamCredentialsEndpoint the API's base URL, {@link #IAM_CREDENTIALS_ENDPOINT}
	 * unless a private endpoint is used
	 * @return the impersonated credentials
	 */
	public static ImpersonatedCredentials impersonating(GoogleCredentials source, String targetServiceAccount,
			List<String> delegates, int lifetimeSeconds, String iamCredentialsEndpoint) {
		Assert.hasText(targetServiceAccount, "targetServiceAccount must not be empty");
		String base = iamCredentialsEndpoint.endsWith("/")
				? iamCredentialsEndpoint.substring(0, iamCredentialsEndpoint.length() - 1) : iamCredentialsEndpoint;
		return ImpersonatedCredentials.newBuilder()
			.setSourceCredentials(source)
			.setTargetPrincipal(targetServiceAccount)
			.setDelegates(delegates.stream().map(GcpCloudSqlIamCredentialProvider::delegateName).toList())
			.setScopes(List.of(SQL_LOGIN_SCOPE))
			.setLifetime(lifetimeSeconds)
			.setIamEndpointOverride(
					base + "/v1/projects/-/serviceAccounts/" + targetServiceAccount + ":generateAccessToken")
			.build();
	}

	private static String delegateName(String delegate) {
		return delegate.startsWith("projects/") ? delegate : "projects/-/serviceAccounts/" + delegate;
	}

	/**
	 * The service account email the credentials log in as, when they tell without a network
	 * call: a service account key's, or an impersonation target's.
	 * @param credentials the credentials
	 * @return the email, or {@code null} when only a call could tell (metadata server) or
	 * there is none (user credentials)
	 */
	public static @Nullable String serviceAccountOf(GoogleCredentials credentials) {
		if (credentials instanceof ImpersonatedCredentials impersonated) {
			return impersonated.getAccount();
		}
		if (credentials instanceof ServiceAccountCredentials serviceAccount) {
			return serviceAccount.getClientEmail();
		}
		return null;
	}

	/**
	 * The Cloud SQL database user of a service account: PostgreSQL names it by the email
	 * without {@code .gserviceaccount.com}, MySQL by the part before {@code @}.
	 * @param serviceAccountEmail the service account's email
	 * @param mysql whether the database is MySQL (or MariaDB) rather than PostgreSQL
	 * @return the database user
	 */
	public static String databaseUser(String serviceAccountEmail, boolean mysql) {
		if (mysql) {
			int at = serviceAccountEmail.indexOf('@');
			return (at > 0) ? serviceAccountEmail.substring(0, at) : serviceAccountEmail;
		}
		return serviceAccountEmail.toLowerCase(Locale.ROOT).endsWith(SERVICE_ACCOUNT_SUFFIX)
				? serviceAccountEmail.substring(0, serviceAccountEmail.length() - SERVICE_ACCOUNT_SUFFIX.length())
				: serviceAccountEmail;
	}

	@Override
	public DbCredential fetch() throws IOException {
		AccessToken token = this.credentials.refreshAccessToken();
		if (token == null || token.getTokenValue() == null || token.getTokenValue().isEmpty()) {
			throw new IOException("Google credentials (" + credentialsName() + ") returned no access token");
		}
		Date expiry = token.getExpirationTime();
		return DbCredential.of(this.username, token.getTokenValue(), (expiry != null) ? expiry.toInstant() : null);
	}

	private String credentialsName() {
		return this.credentials.getClass().getSimpleName();
	}

	@Override
	public String toString() {
		return "GcpCloudSqlIamCredentialProvider[credentials=" + credentialsName() + ", username=" + this.username
				+ "]";
	}

}
