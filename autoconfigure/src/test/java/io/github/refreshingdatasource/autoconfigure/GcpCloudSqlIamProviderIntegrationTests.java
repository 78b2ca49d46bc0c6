package io.github.refreshingdatasource.autoconfigure;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.credentials.provider.gcpiam.GcpCloudSqlIamCredentialProvider;
import io.github.refreshingdatasource.testsupport.LocalGoogleEndpoints;
import io.github.refreshingdatasource.testsupport.PoolLoad;
import io.github.refreshingdatasource.testsupport.ScramPostgres;
import io.github.refreshingdatasource.testsupport.Secrets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code gcp-cloudsql-iam} provider end to end, through the auto-configuration: the real
 * Google Auth Library reads a service account key whose {@code token_uri} is
 * {@link LocalGoogleEndpoints}' token endpoint, signs a JWT assertion with the key, and the
 * endpoint verifies it before issuing a token. Cloud SQL's part is played by the fixture:
 * each token scoped to {@code sqlservice.login} becomes the password of the database user
 * of its service account, valid until the token expires, before the library receives it.
 * <p>
 * Why a key file and not a local metadata server: the library finds the metadata server
 * through the environment variable {@code GCE_METADATA_HOST} only, which a JVM cannot set for
 * itself; the key file path is the library's own, and tests more of it (the signed assertion).
 * No username is configured: the provider derives it from the service account, as Cloud SQL
 * names IAM users (PostgreSQL: the email without {@code .gserviceaccount.com}).
 */
@ExtendWith(OutputCaptureExtension.class)
class GcpCloudSqlIamProviderIntegrationTests {

	private static final Duration TOKEN_LIFETIME = Duration.ofSeconds(6);

	private static final String APP = "app@local-project.iam.gserviceaccount.com";

	private static final String HOP = "hop@local-project.iam.gserviceaccount.com";

	private static final String TARGET = "db-owner@local-project.iam.gserviceaccount.com";

	private static final Secrets secrets = new Secrets();

	private static ScramPostgres postgres;

	private static LocalGoogleEndpoints endpoints;

	@TempDir
	static Path directory;

	private static Path appKey;

	@BeforeAll
	static void start() throws Exception {
		postgres = ScramPostgres.start();
		endpoints = LocalGoogleEndpoints.start(TOKEN_LIFETIME, (token) -> {
			secrets.add(token.token());
			if (token.scopes().equals(List.of(GcpCloudSqlIamCredentialProvider.SQL_LOGIN_SCOPE))) {
				postgres.setPassword(GcpCloudSqlIamCredentialProvider.databaseUser(token.principal(), false),
						token.token(), token.expiresAt());
			}
		});
		appKey = endpoints.writeServiceAccountKey(directory, APP);
		endpoints.allowTokenCreator(APP, HOP);
		endpoints.allowTokenCreator(HOP, TARGET);
		for (String account : List.of(APP, TARGET)) {
			postgres.createLoginRole(GcpCloudSqlIamCredentialProvider.databaseUser(account, false),
					secrets.newPassword());
		}
	}

	@AfterAll
	static void stop() {
		endpoints.close();
		postgres.close();
	}

	@AfterEach
	void noSecretInOutput(CapturedOutput output) {
		assertThat(endpoints.refusals()).isEmpty();
		secrets.assertNoneIn(output.getAll());
	}

	private ApplicationContextRunner runner(String... properties) {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataSourceAutoConfiguration.class, RefreshingDataSourceAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + postgres.jdbcUrl(),
					"spring.datasource.hikari.maximum-pool-size=4", "spring.datasource.hikari.connection-timeout=5000",
					// The embedded PostgreSQL has no TLS; it listens on 127.0.0.1 only, so no token leaves this host.
					"refreshing.datasource.allow-insecure-transport=true",
					"refreshing.datasource.provider.type=gcp-cloudsql-iam",
					"refreshing.datasource.provider.gcp-cloudsql-iam.credentials-file=" + appKey,
					"refreshing.datasource.refresh.jitter=0s")
			.withPropertyValues(properties);
	}

	@Test
	void serviceAccountTokensKeepThePoolLoggedInAcrossExpiries() throws Exception {
		runner().run((context) -> {
			HikariDataSource pool = hikari(context);
			assertThat(PoolLoad.query(pool)).isEqualTo("app@local-project.iam");
			int before = endpoints.tokenRequests();
			PoolLoad.Result load = PoolLoad.run(pool, TOKEN_LIFETIME.multipliedBy(2).plusSeconds(1), 2,
					Duration.ofMillis(250));
			int tokens = endpoints.tokenRequests() - before;
			assertThat(load.failures()).as("failed queries").isEmpty();
			assertThat(load.evictions()).isGreaterThan(20);
			// Renewed at half of each 6 s lifetime: at least two renewals, at most one per half-life.
			long halfLives = load.elapsed().toMillis() / TOKEN_LIFETIME.dividedBy(2).toMillis();
			assertThat(tokens).isBetween(2, (int) halfLives + 1);
			int expectedLogins = 2 * tokens;
			await().atMost(Duration.ofSeconds(5))
				.until(() -> PoolLoad.loginsOf(postgres, "app@local-project.iam") > expectedLogins);
		});
	}

	@Test
	void impersonatedTokensThroughADelegationChainLogInAsTheTarget() throws Exception {
		runner("refreshing.datasource.provider.gcp-cloudsql-iam.impersonate-service-account=" + TARGET,
				"refreshing.datasource.provider.gcp-cloudsql-iam.delegates=" + HOP,
				"refreshing.datasource.provider.gcp-cloudsql-iam.token-lifetime=6s",
				"refreshing.datasource.provider.gcp-cloudsql-iam.iam-credentials-endpoint="
						+ endpoints.iamCredentialsEndpoint())
			.run((context) -> {
				HikariDataSource pool = hikari(context);
				int before = endpoints.impersonationRequests();
				PoolLoad.Result load = PoolLoad.run(pool, TOKEN_LIFETIME.plusSeconds(2), 2, Duration.ofMillis(250));
				assertThat(load.failures()).as("failed queries").isEmpty();
				assertThat(PoolLoad.query(pool)).isEqualTo("db-owner@local-project.iam");
				assertThat(endpoints.impersonationRequests() - before).isBetween(2,
						(int) (load.elapsed().toMillis() / 2500) + 1);
			});
	}

	private static HikariDataSource hikari(AssertableApplicationContext context) throws SQLException {
		assertThat(context).hasNotFailed();
		return context.getBean(DataSource.class).unwrap(HikariDataSource.class);
	}

}
