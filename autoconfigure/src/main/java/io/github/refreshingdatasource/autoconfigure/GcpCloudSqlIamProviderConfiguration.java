package io.github.refreshingdatasource.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import com.google.auth.oauth2.GoogleCredentials;
import io.github.refreshingdatasource.credentials.provider.gcpiam.GcpCloudSqlIamCredentialProvider;
import io.github.refreshingdatasource.jdbc.JdbcUrl;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.StringUtils;

/**
 * The {@code gcp-cloudsql-iam} provider: Google OAuth2 access tokens, scoped to Cloud SQL
 * logins, from a credentials file, the application's {@link GoogleCredentials} bean, or
 * Application Default Credentials; optionally impersonating a service account. Without a
 * configured username the database user follows from the service account, when the
 * credentials name one.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProviderType(ProviderType.GCP_CLOUDSQL_IAM)
@ConditionalOnClass(name = "com.google.auth.oauth2.GoogleCredentials")
class GcpCloudSqlIamProviderConfiguration {

	private static final String PREFIX = "provider.gcp-cloudsql-iam.";

	/** The longest lifetime the IAM Credentials API grants, with the organization's consent. */
	private static final Duration LONGEST_TOKEN_LIFETIME = Duration.ofHours(12);

	@Bean
	CredentialProviderFactory gcpCloudSqlIamCredentialProviderFactory(
			ObjectProvider<GoogleCredentials> applicationCredentials) {
		return new ProviderFactory(ProviderType.GCP_CLOUDSQL_IAM, (dataSourceName, properties, dataSource) -> {
			CredentialProperties.GcpCloudSqlIam settings = properties.getProvider().getGcpCloudsqlIam();
			GoogleCredentials source = (settings.getCredentialsFile() != null)
					? load(dataSourceName, settings.getCredentialsFile())
					: applicationCredentials.getIfUnique(() -> applicationDefault(dataSourceName));
			GoogleCredentials credentials;
			if (StringUtils.hasText(settings.getImpersonateServiceAccount())) {
				Duration lifetime = settings.getTokenLifetime();
				if (lifetime.toSeconds() < 1 || lifetime.compareTo(LONGEST_TOKEN_LIFETIME) > 0) {
					throw new RefreshingDataSourceConfigurationException("DataSource '" + dataSourceName
							+ "': refreshing.datasource." + PREFIX + "token-lifetime " + lifetime
							+ " is not between 1 second and 12 hours.",
							"Set refreshing.datasource." + PREFIX + "token-lifetime to at most 1h (or up to 12h where "
									+ "the organization policy allows it).");
				}
				credentials = GcpCloudSqlIamCredentialProvider.impersonating(source,
						settings.getImpersonateServiceAccount(), settings.getDelegates(), (int) lifetime.toSeconds(),
						settings.getIamCredentialsEndpoint());
			}
			else {
				credentials = GcpCloudSqlIamCredentialProvider.scoped(source);
			}
			String username = dataSource.username();
			String serviceAccount = GcpCloudSqlIamCredentialProvider.serviceAccountOf(credentials);
			if (!StringUtils.hasText(username) && serviceAccount != null) {
				username = GcpCloudSqlIamCredentialProvider.databaseUser(serviceAccount,
						switch (JdbcUrl.parse(dataSource.jdbcUrl()).vendor()) {
							case MYSQL, MARIADB -> true;
							default -> false;
						});
			}
			return new GcpCloudSqlIamCredentialProvider(credentials, StringUtils.hasText(username) ? username : null);
		});
	}

	private static GoogleCredentials load(String dataSourceName, Path file) {
		try (InputStream in = Files.newInputStream(file)) {
			return GoogleCredentials.fromStream(in);
		}
		catch (IOException ex) {
			// The library's message names the problem, never the key.
			throw new RefreshingDataSourceConfigurationException("DataSource '" + dataSourceName
					+ "': the Google credentials file " + file.toAbsolutePath() + " cannot be read: " + ex.getMessage()
					+ ".", "Point refreshing.datasource." + PREFIX + "credentials-file at a service account key or "
							+ "credential configuration JSON file readable by the application.");
		}
	}

	private static GoogleCredentials applicationDefault(String dataSourceName) {
		try {
			return GoogleCredentials.getApplicationDefault();
		}
		catch (IOException ex) {
			throw new RefreshingDataSourceConfigurationException("DataSource '" + dataSourceName
					+ "' uses the gcp-cloudsql-iam provider, but no Application Default Credentials were found: "
					+ ex.getMessage(),
					"Run on Google Cloud with a service account attached, set GOOGLE_APPLICATION_CREDENTIALS, run "
							+ "'gcloud auth application-default login', define a GoogleCredentials bean, or set "
							+ "refreshing.datasource." + PREFIX + "credentials-file.");
		}
	}

}
