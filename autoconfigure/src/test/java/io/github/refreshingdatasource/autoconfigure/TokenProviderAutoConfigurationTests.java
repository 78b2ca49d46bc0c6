package io.github.refreshingdatasource.autoconfigure;

import java.nio.file.Path;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Selection and startup checks of the token providers ({@code oauth2},
 * {@code aws-rds-iam}, {@code azure}) and the TLS rule for bearer tokens. The pools never
 * start here, so no token is fetched and the hosts need not exist.
 */
class TokenProviderAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(DataSourceAutoConfiguration.class, RefreshingDataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://db.example:5432/app?sslmode=verify-full",
				"spring.datasource.username=app_user");

	@TempDir
	Path tempDir;

	@Test
	void oauth2ProviderIsSelectedByProperty() {
		this.runner
			.withPropertyValues("refreshing.datasource.provider.type=oauth2",
					"refreshing.datasource.provider.oauth2.token-uri=https://login.example/oauth2/token",
					"refreshing.datasource.provider.oauth2.client-id=app",
					"refreshing.datasource.provider.oauth2.client-secret=oauth2-client-secret")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(cache(context, "dataSource").getProviderType()).isEqualTo("oauth2");
				assertThat(context.getBeansOfType(CredentialProviderFactory.class).values())
					.extracting(CredentialProviderFactory::type)
					.containsExactly(ProviderType.OAUTH2);
			});
	}

	@Test
	void oauth2WithoutTokenUriFailsStartup() {
		this.runner.withPropertyValues("refreshing.datasource.provider.type=oauth2").run((context) -> {
			FailureAnalysis analysis = analyze(context);
			assertThat(analysis.getDescription()).contains("'dataSource'")
				.contains("refreshing.datasource.provider.oauth2.token-uri is not set");
		});
	}

	@Test
	void oauth2WithoutClientSecretFailsStartup() {
		this.runner
			.withPropertyValues("refreshing.datasource.provider.type=oauth2",
					"refreshing.datasource.provider.oauth2.token-uri=https://login.example/oauth2/token",
					"refreshing.datasource.provider.oauth2.client-id=app")
			.run((context) -> assertThat(analyze(context).getDescription())
				.contains("client authentication client-secret-basic needs a client secret")
				.contains("refreshing.datasource.provider.oauth2.client-secret is not set"));
	}

	@Test
	void oauth2OverPlainHttpFailsStartupUnlessAllowed() {
		String[] properties = { "refreshing.datasource.provider.type=oauth2",
				"refreshing.datasource.provider.oauth2.token-uri=http://login.example/oauth2/token",
				"refreshing.datasource.provider.oauth2.client-id=app",
				"refreshing.datasource.provider.oauth2.client-secret=oauth2-client-secret" };
		this.runner.withPropertyValues(properties).run((context) -> {
			FailureAnalysis analysis = analyze(context);
			assertThat(analysis.getDescription()).contains("http://login.example/oauth2/token is plain HTTP")
				.doesNotContain("oauth2-client-secret");
			assertThat(analysis.getAction()).contains("refreshing.datasource.allow-insecure-transport=true");
		});
		this.runner.withPropertyValues(properties)
			.withPropertyValues("refreshing.datasource.allow-insecure-transport=true")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void oauth2RefreshTokenGrantNeedsARefreshToken() {
		this.runner
			.withPropertyValues("refreshing.datasource.provider.type=oauth2",
					"refreshing.datasource.provider.oauth2.token-uri=https://login.example/oauth2/token",
					"refreshing.datasource.provider.oauth2.client-id=app",
					"refreshing.datasource.provider.oauth2.client-secret=oauth2-client-secret",
					"refreshing.datasource.provider.oauth2.grant-type=refresh-token",
					"refreshing.datasource.provider.oauth2.refresh-token-store=file",
					"refreshing.datasource.provider.oauth2.refresh-token-file=" + this.tempDir.resolve("rt.json"))
			.run((context) -> assertThat(analyze(context).getDescription())
				.contains("the refresh-token grant needs a refresh token to start from")
				.contains("does not exist yet"));
	}

	@Test
	void oauth2RefreshTokenFileNeedsAnExistingDirectory() {
		this.runner
			.withPropertyValues("refreshing.datasource.provider.type=oauth2",
					"refreshing.datasource.provider.oauth2.token-uri=https://login.example/oauth2/token",
					"refreshing.datasource.provider.oauth2.client-id=app",
					"refreshing.datasource.provider.oauth2.client-secret=oauth2-client-secret",
					"refreshing.datasource.provider.oauth2.grant-type=refresh_token",
					"refreshing.datasource.provider.oauth2.refresh-token=oauth2-refresh-token",
					"refreshing.datasource.provider.oauth2.refresh-token-store=file",
					"refreshing.datasource.provider.oauth2.refresh-token-file="
							+ this.tempDir.resolve("missing").resolve("rt.json"))
			.run((context) -> {
				FailureAnalysis analysis = analyze(context);
				assertThat(analysis.getDescription()).contains("does not exist").doesNotContain("oauth2-refresh-token");
				assertThat(analysis.getAction()).contains("persistent volume");
			});
	}

	static CredentialCache cache(AssertableApplicationContext context, String name) {
		CredentialCache cache = context.getBean(CredentialCacheRegistry.class).get(name);
		assertThat(cache).as("cache of " + name).isNotNull();
		return cache;
	}

	static HikariDataSource hikari(AssertableApplicationContext context, String name) throws Exception {
		return context.getBean(name, DataSource.class).unwrap(HikariDataSource.class);
	}

	static FailureAnalysis analyze(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		FailureAnalysis analysis = new RefreshingDataSourceFailureAnalyzer().analyze(context.getStartupFailure());
		assertThat(analysis).as("failure analysis of " + context.getStartupFailure()).isNotNull();
		return analysis;
	}

}
