package io.github.refreshingdatasource.autoconfigure.provider.gcpiam;

import com.google.auth.oauth2.GoogleCredentials;
import io.github.refreshingdatasource.autoconfigure.ProviderType;
import io.github.refreshingdatasource.autoconfigure.provider.ConditionalOnProviderType;
import io.github.refreshingdatasource.autoconfigure.provider.CredentialProviderFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code gcp-cloudsql-iam} provider: Google OAuth2 access tokens scoped to Cloud SQL
 * logins, from the Google Auth Library ({@code com.google.auth:google-auth-library-oauth2-http}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProviderType(ProviderType.GCP_CLOUDSQL_IAM)
@ConditionalOnClass(name = "com.google.auth.oauth2.GoogleCredentials")
class GcpCloudSqlIamProviderConfiguration {

	@Bean
	CredentialProviderFactory<GcpCloudSqlIamProviderSettings> gcpCloudSqlIamCredentialProviderFactory(
			ObjectProvider<GoogleCredentials> applicationCredentials) {
		return new GcpCloudSqlIamProviderFactory(applicationCredentials);
	}

}
