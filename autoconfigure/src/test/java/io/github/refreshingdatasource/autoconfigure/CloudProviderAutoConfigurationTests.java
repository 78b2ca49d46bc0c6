package io.github.refreshingdatasource.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;

import com.google.auth.oauth2.GoogleCredentials;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Startup checks of the {@code gcp-cloudsql-iam} and {@code aws-secrets-manager} providers:
 * a missing SDK, missing or unsafe settings fail through the analyzer naming the fix. No
 * pool starts and no cloud is called.
 */
@ExtendWith(OutputCaptureExtension.class)
class CloudProviderAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(DataSourceAutoConfiguration.class, RefreshingDataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://db.example:5432/app?sslmode=verify-full",
				"spring.datasource.username=app_user");

	@TempDir
	Path tempDir;

	@AfterEach
	void noSecretInOutput(CapturedOutput output) {
		assertThat(output.getAll()).doesNotContain("PRIVATE KEY").doesNotContain("key-material");
	}

	@Test
	void gcpCloudSqlIamWithoutTheLibraryFailsStartupNamingTheDependency() {
		this.runner.withClassLoader(new FilteredClassLoader(GoogleCredentials.class))
			.withPropertyValues("refreshing.datasource.provider.type=gcp-cloudsql-iam")
			.run((context) -> {
				FailureAnalysis analysis = TokenProviderAutoConfigurationTests.analyze(context);
				assertThat(analysis.getDescription()).contains("credential provider 'gcp-cloudsql-iam'")
					.contains("com.google.auth:google-auth-library-oauth2-http is not on the classpath");
				assertThat(analysis.getAction())
					.contains("Add the dependency com.google.auth:google-auth-library-oauth2-http");
			});
	}

	@Test
	void awsSecretsManagerWithoutTheSdkFailsStartupNamingTheDependency() {
		this.runner.withClassLoader(new FilteredClassLoader(SecretsManagerClient.class))
			.withPropertyValues("refreshing.datasource.provider.type=aws-secrets-manager",
					"refreshing.datasource.provider.aws-secrets-manager.secret-id=prod/app/db")
			.run((context) -> {
				FailureAnalysis analysis = TokenProviderAutoConfigurationTests.analyze(context);
				assertThat(analysis.getDescription()).contains("credential provider 'aws-secrets-manager'")
					.contains("software.amazon.awssdk:secretsmanager is not on the classpath");
				assertThat(analysis.getAction()).contains("Add the dependency software.amazon.awssdk:secretsmanager");
			});
	}

	@Test
	void gcpCloudSqlIamTokenIsABearerTokenHeldToTls() throws Exception {
		Path key = Files.writeString(this.tempDir.resolve("key.json"), "{}");
		this.runner
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://10.0.0.5:5432/app?sslmode=disable",
					"refreshing.datasource.provider.type=gcp-cloudsql-iam",
					"refreshing.datasource.provider.gcp-cloudsql-iam.credentials-file=" + key)
			.run((context) -> assertThat(TokenProviderAutoConfigurationTests.analyze(context).getDescription())
				.contains("uses the gcp-cloudsql-iam provider")
				.contains("does not require TLS: sslmode=disable"));
	}

	@Test
	void gcpCloudSqlIamWithAnUnreadableCredentialsFileFailsStartupWithoutQuotingIt() throws Exception {
		Path key = Files.writeString(this.tempDir.resolve("key.json"),
				"{\"type\":\"service_account\",\"private_key\":\"key-material\"}");
		this.runner
			.withPropertyValues("refreshing.datasource.provider.type=gcp-cloudsql-iam",
					"refreshing.datasource.provider.gcp-cloudsql-iam.credentials-file=" + key)
			.run((context) -> {
				FailureAnalysis analysis = TokenProviderAutoConfigurationTests.analyze(context);
				assertThat(analysis.getDescription()).contains("the Google credentials file " + key)
					.doesNotContain("key-material");
				assertThat(analysis.getAction())
					.contains("refreshing.datasource.provider.gcp-cloudsql-iam.credentials-file");
			});
	}

	@Test
	void gcpCloudSqlIamImpersonationLifetimeIsChecked() throws Exception {
		this.runner.withBean(GoogleCredentials.class, () -> GoogleCredentials.newBuilder().build())
			.withPropertyValues("refreshing.datasource.provider.type=gcp-cloudsql-iam",
					"refreshing.datasource.provider.gcp-cloudsql-iam.impersonate-service-account=db@p.iam.gserviceaccount.com",
					"refreshing.datasource.provider.gcp-cloudsql-iam.token-lifetime=13h")
			.run((context) -> assertThat(TokenProviderAutoConfigurationTests.analyze(context).getDescription())
				.contains("token-lifetime PT13H is not between 1 second and 12 hours"));
	}

	@Test
	void awsSecretsManagerWithoutSecretIdFailsStartup() {
		this.runner.withPropertyValues("refreshing.datasource.provider.type=aws-secrets-manager")
			.run((context) -> assertThat(TokenProviderAutoConfigurationTests.analyze(context).getDescription())
				.contains("refreshing.datasource.provider.aws-secrets-manager.secret-id is not set"));
	}

	@Test
	void awsSecretsManagerOverPlainHttpFailsStartupUnlessAllowed() {
		this.runner
			.withPropertyValues("refreshing.datasource.provider.type=aws-secrets-manager",
					"refreshing.datasource.provider.aws-secrets-manager.secret-id=prod/app/db",
					"refreshing.datasource.provider.aws-secrets-manager.region=eu-west-1",
					"refreshing.datasource.provider.aws-secrets-manager.endpoint=http://vpce.example")
			.run((context) -> {
				FailureAnalysis analysis = TokenProviderAutoConfigurationTests.analyze(context);
				assertThat(analysis.getDescription()).contains("http://vpce.example is plain HTTP");
				assertThat(analysis.getAction()).contains("refreshing.datasource.allow-insecure-transport=true");
			});
	}

	@Test
	void awsSecretsManagerPasswordIsNoBearerTokenSoAPlainConnectionIsAllowed() {
		this.runner
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://localhost:1/app?sslmode=disable",
					"refreshing.datasource.provider.type=aws-secrets-manager",
					"refreshing.datasource.provider.aws-secrets-manager.secret-id=arn:aws:secretsmanager:eu-central-1:123456789012:secret:db-AbCdEf",
					// Nothing listens there: the first read fails fast and is retried in the background.
					"refreshing.datasource.provider.aws-secrets-manager.endpoint=https://127.0.0.1:1")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(TokenProviderAutoConfigurationTests.cache(context, "dataSource").getSettings()
					.defaultLifetime()).hasHours(1);
			});
	}

}
