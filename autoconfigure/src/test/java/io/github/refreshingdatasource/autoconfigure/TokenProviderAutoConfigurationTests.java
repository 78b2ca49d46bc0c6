package io.github.refreshingdatasource.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.microsoft.sqlserver.jdbc.SQLServerDataSource;
import com.microsoft.sqlserver.jdbc.SqlAuthenticationToken;
import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.autoconfigure.provider.CredentialProviderFactory;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.jdbc.SqlServerAccessTokenDataSource;
import io.github.refreshingdatasource.testsupport.RdsIamTokenVerifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.rds.RdsUtilities;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.datasource.DelegatingDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Selection and startup checks of the token providers ({@code oauth2},
 * {@code aws-rds-iam}, {@code azure}) and the TLS rule for bearer tokens. The pools never
 * start here, so no token is fetched and the hosts need not exist.
 */
@ExtendWith(OutputCaptureExtension.class)
class TokenProviderAutoConfigurationTests {

	private static final String RDS_HOST = "mydb.c1a2b3c4d5e6.eu-west-1.rds.amazonaws.com";

	private static final String AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";

	private static final String AWS_SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(DataSourceAutoConfiguration.class, RefreshingDataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://db.example:5432/app?sslmode=verify-full",
				"spring.datasource.username=app_user");

	@TempDir
	Path tempDir;

	@AfterEach
	void noSecretInOutput(CapturedOutput output) {
		assertThat(output.getAll()).doesNotContain("oauth2-client-secret")
			.doesNotContain("oauth2-refresh-token")
			.doesNotContain("url-secret")
			.doesNotContain(AWS_SECRET_ACCESS_KEY)
			.doesNotContain("azure-token-1")
			.doesNotContain("azure-token-2")
			.doesNotContain("sql-token")
			.doesNotContain("static-password");
	}

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

	@Test
	void awsRdsIamProviderSignsForTheJdbcUrlsHostPortAndRegionWithTheApplicationsCredentials() throws Exception {
		this.runner
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://" + RDS_HOST + ":5433/app?sslmode=verify-full",
					"refreshing.datasource.provider.type=aws-rds-iam")
			.withBean(AwsCredentialsProvider.class, () -> StaticCredentialsProvider
				.create(AwsBasicCredentials.create(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				CredentialCache cache = cache(context, "dataSource");
				assertThat(cache.getProviderType()).isEqualTo("aws-rds-iam");
				DbCredential credential = cache.get();
				assertThat(credential.username()).isEqualTo("app_user");
				new RdsIamTokenVerifier(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).verify(credential.secret(), RDS_HOST,
						5433, "app_user", "eu-west-1");
			});
	}

	@Test
	void awsRdsIamProviderSignsWithANamedProfile() throws Exception {
		Path credentials = Files.writeString(this.tempDir.resolve("credentials"), "[db-profile]\naws_access_key_id = "
				+ AWS_ACCESS_KEY_ID + "\naws_secret_access_key = " + AWS_SECRET_ACCESS_KEY + "\n");
		Path config = Files.writeString(this.tempDir.resolve("config"), "");
		this.runner
			.withSystemProperties("aws.sharedCredentialsFile=" + credentials, "aws.configFile=" + config)
			.withPropertyValues("refreshing.datasource.provider.type=aws-rds-iam",
					"refreshing.datasource.provider.aws-rds-iam.profile=db-profile",
					"refreshing.datasource.provider.aws-rds-iam.region=us-east-2",
					"refreshing.datasource.provider.aws-rds-iam.username=iam_user")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				DbCredential credential = cache(context, "dataSource").get();
				assertThat(credential.username()).isEqualTo("iam_user");
				new RdsIamTokenVerifier(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).verify(credential.secret(),
						"db.example", 5432, "iam_user", "us-east-2");
			});
	}

	@Test
	void awsRdsIamWithoutTheSdkFailsStartupNamingTheDependency() {
		this.runner.withClassLoader(new FilteredClassLoader(RdsUtilities.class))
			// The missing SDK is reported before the missing TLS.
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://db.example:5432/app?sslmode=disable",
					"refreshing.datasource.provider.type=aws-rds-iam")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context);
				assertThat(analysis.getDescription()).contains("'dataSource'")
					.contains("credential provider 'aws-rds-iam'")
					.contains("software.amazon.awssdk:rds is not on the classpath");
				assertThat(analysis.getAction()).contains("Add the dependency software.amazon.awssdk:rds");
			});
	}

	@Test
	void awsRdsIamWithoutUsernameFailsStartup() {
		this.runner
			.withPropertyValues("spring.datasource.username=", "refreshing.datasource.provider.type=aws-rds-iam",
					"refreshing.datasource.provider.aws-rds-iam.region=eu-west-1")
			.run((context) -> assertThat(analyze(context).getDescription())
				.contains("refreshing.datasource.provider.aws-rds-iam.username is not set"));
	}

	@Test
	void azureProviderUsesTheApplicationsTokenCredentialWithTheScopeOfTheJdbcUrlsDatabase() throws Exception {
		List<String> scopes = new CopyOnWriteArrayList<>();
		TokenCredential credential = (request) -> {
			scopes.addAll(request.getScopes());
			return Mono.just(new AccessToken("azure-token-1", OffsetDateTime.now().plusHours(1)));
		};
		this.runner
			.withPropertyValues("spring.datasource.url=jdbc:mysql://app.mysql.database.azure.com:3306/app?sslMode=VERIFY_IDENTITY",
					// Only the PostgreSQL driver is on the test classpath; the pool never connects.
					"spring.datasource.driver-class-name=org.postgresql.Driver",
					"refreshing.datasource.provider.type=azure")
			.withBean(TokenCredential.class, () -> credential)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				CredentialCache cache = cache(context, "dataSource");
				assertThat(cache.getProviderType()).isEqualTo("azure");
				DbCredential token = cache.get();
				assertThat(token.secret()).isEqualTo("azure-token-1");
				assertThat(token.username()).isEqualTo("app_user");
				assertThat(scopes).containsOnly("https://ossrdbms-aad.database.windows.net/.default");
			});
	}

	@Test
	void azureScopeFollowsDatabaseAndCloudAndCanBeOverridden() throws Exception {
		List<String> scopes = new CopyOnWriteArrayList<>();
		TokenCredential credential = (request) -> {
			scopes.addAll(request.getScopes());
			return Mono.just(new AccessToken("azure-token-2", OffsetDateTime.now().plusHours(1)));
		};
		this.runner.withBean(TokenCredential.class, () -> credential)
			.withPropertyValues("spring.datasource.url=jdbc:sqlserver://app.database.chinacloudapi.cn:1433;databaseName=app",
					"spring.datasource.driver-class-name=org.postgresql.Driver",
					"refreshing.datasource.provider.type=azure", "refreshing.datasource.provider.azure.cloud=azure-china")
			.run((context) -> assertThat(cache(context, "dataSource").get().secret()).isEqualTo("azure-token-2"));
		assertThat(scopes).containsOnly("https://database.chinacloudapi.cn/.default");
		scopes.clear();
		this.runner.withBean(TokenCredential.class, () -> credential)
			.withPropertyValues("refreshing.datasource.provider.type=azure",
					"refreshing.datasource.provider.azure.cloud=azure-us-government")
			.run((context) -> cache(context, "dataSource").get());
		assertThat(scopes).containsOnly("https://ossrdbms-aad.database.usgovcloudapi.net/.default");
		scopes.clear();
		this.runner.withBean(TokenCredential.class, () -> credential)
			.withPropertyValues("refreshing.datasource.provider.type=azure",
					"refreshing.datasource.provider.azure.scope=api://my-proxy/.default")
			.run((context) -> cache(context, "dataSource").get());
		assertThat(scopes).containsOnly("api://my-proxy/.default");
	}

	@Test
	void azureWithoutTheSdkFailsStartupNamingTheDependency() {
		this.runner.withClassLoader(new FilteredClassLoader(DefaultAzureCredentialBuilder.class))
			.withPropertyValues("refreshing.datasource.provider.type=azure")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context);
				assertThat(analysis.getDescription()).contains("credential provider 'azure'")
					.contains("com.azure:azure-identity is not on the classpath");
				assertThat(analysis.getAction()).contains("Add the dependency com.azure:azure-identity");
			});
	}

	@Test
	void azureClientSecretCredentialNeedsTenantClientAndSecret() {
		this.runner
			.withPropertyValues("refreshing.datasource.provider.type=azure",
					"refreshing.datasource.provider.azure.credential=client-secret",
					"refreshing.datasource.provider.azure.client-id=app-registration")
			.run((context) -> assertThat(analyze(context).getDescription())
				.contains("credential client-secret needs tenant-id")
				.contains("refreshing.datasource.provider.azure.tenant-id is not set"));
	}

	@Test
	void azureNeedsTheDatabaseWhenTheJdbcUrlDoesNotTell() {
		this.runner
			.withPropertyValues("spring.datasource.url=jdbc:h2:mem:test",
					"spring.datasource.driver-class-name=org.postgresql.Driver", "refreshing.datasource.allow-insecure-transport=true",
					"refreshing.datasource.provider.type=azure",
					"refreshing.datasource.provider.azure.credential=managed-identity")
			.run((context) -> assertThat(analyze(context).getDescription())
				.contains("refreshing.datasource.provider.azure.database is not set"));
	}

	@Test
	void bearerTokenOverAConnectionWithoutTlsFailsStartup() {
		this.runner.withBean(TokenCredential.class, () -> (request) -> Mono.empty())
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://db.example:5432/app?password=url-secret",
					"refreshing.datasource.provider.type=azure")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context);
				assertThat(analysis.getDescription()).contains("'dataSource' uses the azure provider")
					.contains("does not require TLS: sslmode is not set, which means sslmode=prefer")
					.doesNotContain("url-secret");
				assertThat(analysis.getAction()).contains("sslmode=verify-full")
					.contains("refreshing.datasource.allow-insecure-transport=true")
					.contains("refreshing.datasource.datasources.dataSource.allow-insecure-transport=true");
			});
		this.runner
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://db.example:5432/app?sslmode=disable",
					"refreshing.datasource.provider.type=oauth2",
					"refreshing.datasource.provider.oauth2.token-uri=https://login.example/oauth2/token",
					"refreshing.datasource.provider.oauth2.client-id=app",
					"refreshing.datasource.provider.oauth2.client-secret=oauth2-client-secret")
			.run((context) -> assertThat(analyze(context).getDescription()).contains("does not require TLS: sslmode=disable"));
		this.runner
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://db.example:5432/app?sslmode=prefer",
					"refreshing.datasource.provider.type=aws-rds-iam",
					"refreshing.datasource.provider.aws-rds-iam.region=eu-west-1")
			.run((context) -> assertThat(analyze(context).getDescription()).contains("does not require TLS: sslmode=prefer"));
	}

	@Test
	void tlsThatDoesNotVerifyTheServerStartsWithOneWarnNamingTheVerifyingMode(CapturedOutput output) {
		this.runner.withBean(TokenCredential.class, () -> (request) -> Mono.empty())
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://db.example:5432/app?sslmode=require",
					"refreshing.datasource.provider.type=azure")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output.getAll().lines().filter((line) -> line.contains("does not verify the server")))
					.singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
					.contains("WARN")
					.contains("'dataSource' uses the azure provider")
					.contains("sslmode=require")
					.contains("set sslmode=verify-full");
			});
	}

	@Test
	void aCommandDeclaredToPrintABearerTokenIsHeldToTheTlsRule() {
		String[] command = { "spring.datasource.url=jdbc:postgresql://db.example:5432/app?sslmode=disable",
				"refreshing.datasource.provider.type=command",
				"refreshing.datasource.provider.command.command=sh,-c,echo cmd-token" };
		this.runner.withPropertyValues(command)
			.withPropertyValues("refreshing.datasource.provider.command.bearer-token=true")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context);
				assertThat(analysis.getDescription()).contains("'dataSource' uses the command provider")
					.contains("does not require TLS: sslmode=disable");
				assertThat(analysis.getAction()).contains("sslmode=verify-full");
			});
		// Not declared: a password the program prints (from a vault, say) is not held to TLS.
		this.runner.withPropertyValues(command).run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void insecureTransportCanBeAllowedPerDataSource() {
		this.runner.withBean(TokenCredential.class, () -> (request) -> Mono.empty())
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://localhost:5432/app?sslmode=disable",
					"refreshing.datasource.provider.type=azure",
					"refreshing.datasource.datasources.dataSource.allow-insecure-transport=true")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void providersWhosePasswordIsNoBearerTokenAreNotHeldToTls() {
		this.runner
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://localhost:5432/app?sslmode=disable",
					"refreshing.datasource.provider.type=static",
					"refreshing.datasource.provider.static.password=static-password")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void tlsRequiredThroughDriverPropertiesCounts() {
		this.runner.withBean(TokenCredential.class, () -> (request) -> Mono.empty())
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://db.example:5432/app",
					"spring.datasource.hikari.data-source-properties.sslmode=verify-full",
					"refreshing.datasource.provider.type=azure")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	// No SQL Server can run here: this checks the wiring up to the driver's callback, which
	// mssql-jdbc calls at login instead of reading a password.
	@Test
	void azureSqlServerGetsTheTokenThroughTheDriversAccessTokenCallback() throws Exception {
		OffsetDateTime expiresAt = OffsetDateTime.now().plusHours(1).withNano(0);
		this.runner.withBean(TokenCredential.class, () -> (request) -> Mono.just(new AccessToken("sql-token", expiresAt)))
			.withPropertyValues("spring.datasource.url=jdbc:sqlserver://app.database.windows.net:1433;databaseName=app",
					"spring.datasource.username=", "refreshing.datasource.provider.type=azure")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				HikariDataSource pool = hikari(context, "dataSource");
				DataSource connector = ((DelegatingDataSource) pool.getDataSource()).getTargetDataSource();
				assertThat(connector).isInstanceOf(SqlServerAccessTokenDataSource.class);
				SQLServerDataSource driver = connector.unwrap(SQLServerDataSource.class);
				assertThat(driver.getUser()).isNull();
				cache(context, "dataSource").get();
				SqlAuthenticationToken token = driver.getAccessTokenCallback()
					.getAccessToken("https://database.windows.net/", "https://login.microsoftonline.com/tenant");
				assertThat(token.getAccessToken()).isEqualTo("sql-token");
				assertThat(token.getExpiresOn().toInstant()).isEqualTo(expiresAt.toInstant());
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
