package io.github.refreshingdatasource.autoconfigure.provider.gcpiam;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import com.google.auth.oauth2.GoogleCredentials;
import io.github.refreshingdatasource.autoconfigure.ProviderType;
import io.github.refreshingdatasource.autoconfigure.provider.CredentialProviderFactory;
import io.github.refreshingdatasource.autoconfigure.provider.ProviderContext;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.provider.gcpiam.GcpCloudSqlIamCredentialProvider;
import io.github.refreshingdatasource.jdbc.JdbcUrl;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.util.StringUtils;

/**
 * The {@code gcp-cloudsql-iam} provider: Google OAuth2 access tokens scoped to Cloud SQL
 * logins, from a credentials file, the application's {@link GoogleCredentials} bean, or
 * Application Default Credentials, optionally impersonating a service account. Without a
 * configured username the database user follows from the service account, when the
 * credentials name one without a network call.
 */
final class GcpCloudSqlIamProviderFactory implements CredentialProviderFactory<GcpCloudSqlIamProviderSettings> {

	private static final String PREFIX = "provider.gcp-cloudsql-iam.";

	/** The longest lifetime the IAM Credentials API grants, with the organization's consent. */
	private static final Duration LONGEST_TOKEN_LIFETIME = Duration.ofHours(12);

	private final ObjectProvider<GoogleCredentials> applicationCredentials;

	GcpCloudSqlIamProviderFactory(ObjectProvider<GoogleCredentials> applicationCredentials) {
		this.applicationCredentials = applicationCredentials;
	}

	@Override
	public ProviderType type() {
		return ProviderType.GCP_CLOUDSQL_IAM;
	}

	@Override
	public Class<GcpCloudSqlIamProviderSettings> settingsType() {
		return GcpCloudSqlIamProviderSettings.class;
	}

	@Override
	public CredentialProvider create(ProviderContext context, GcpCloudSqlIamProviderSettings settings) {
		GoogleCredentials source = (settings.getCredentialsFile() != null)
				? load(context, settings.getCredentialsFile())
				: this.applicationCredentials.getIfUnique(() -> applicationDefault(context));
		GoogleCredentials credentials;
		if (StringUtils.hasText(settings.getImpersonateServiceAccount())) {
			Duration lifetime = settings.getTokenLifetime();
			if (lifetime.toSeconds() < 1 || lifetime.compareTo(LONGEST_TOKEN_LIFETIME) > 0) {
				throw context.invalid(
						ProviderContext.property(PREFIX + "token-lifetime") + " " + lifetime
								+ " is not between 1 second and 12 hours.",
						"Set " + ProviderContext.property(PREFIX + "token-lifetime") + " to at most 1h (up to 12h "
								+ "where the organization policy allows it).");
			}
			credentials = GcpCloudSqlIamCredentialProvider.impersonating(source,
					settings.getImpersonateServiceAccount(), settings.getDelegates(), (int) lifetime.toSeconds(),
					settings.getIamCredentialsEndpoint());
		}
		else {
			credentials = GcpCloudSqlIamCredentialProvider.scoped(source);
		}
		String username = context.username();
		String serviceAccount = GcpCloudSqlIamCredentialProvider.serviceAccountOf(credentials);
		if (!StringUtils.hasText(username) && serviceAccount != null) {
			JdbcUrl.Vendor vendor = JdbcUrl.parse(context.jdbcUrl()).vendor();
			username = GcpCloudSqlIamCredentialProvider.databaseUser(serviceAccount,
					vendor == JdbcUrl.Vendor.MYSQL || vendor == JdbcUrl.Vendor.MARIADB);
		}
		return new GcpCloudSqlIamCredentialProvider(credentials, StringUtils.hasText(username) ? username : null);
	}

	@Override
	public String rejectionHint(@Nullable String source, @Nullable String username) {
		String role = (username != null) ? username : "<user>";
		return "Add the principal as a Cloud SQL IAM database user (gcloud sql users create " + role
				+ " --type=cloud_iam_service_account), grant it roles/cloudsql.instanceUser, turn on the "
				+ "cloudsql.iam_authentication flag, and check the username: for PostgreSQL the service account email "
				+ "without .gserviceaccount.com, for MySQL the part before @.";
	}

	private static GoogleCredentials load(ProviderContext context, Path file) {
		try (InputStream in = Files.newInputStream(file)) {
			return GoogleCredentials.fromStream(in);
		}
		catch (IOException ex) {
			// The library's message names the problem, never the key.
			throw context.invalid("the Google credentials file " + file.toAbsolutePath() + " cannot be read: "
					+ ex.getMessage() + ".", "Point " + ProviderContext.property(PREFIX + "credentials-file")
							+ " at a service account key or credential configuration JSON file the application can read.");
		}
	}

	private static GoogleCredentials applicationDefault(ProviderContext context) {
		try {
			return GoogleCredentials.getApplicationDefault();
		}
		catch (IOException ex) {
			throw context.invalid("the gcp-cloudsql-iam provider found no Application Default Credentials: "
					+ ex.getMessage(),
					"Run on Google Cloud with a service account attached, set GOOGLE_APPLICATION_CREDENTIALS, run "
							+ "'gcloud auth application-default login', define a GoogleCredentials bean, or set "
							+ ProviderContext.property(PREFIX + "credentials-file") + ".");
		}
	}

}
