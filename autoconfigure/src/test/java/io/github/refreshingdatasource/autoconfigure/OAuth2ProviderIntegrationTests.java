package io.github.refreshingdatasource.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.github.refreshingdatasource.credentials.CredentialUnavailableException;
import io.github.refreshingdatasource.credentials.provider.oauth2.OAuth2ErrorException;
import io.github.refreshingdatasource.testsupport.LocalAuthorizationServer;
import io.github.refreshingdatasource.testsupport.PoolLoad;
import io.github.refreshingdatasource.testsupport.ScramPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
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
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The {@code oauth2} provider end to end: a real Spring Authorization Server issues the
 * access tokens, and the fixture makes each one the database role's password, valid until
 * the token's own expiry, before the client receives it. So a login succeeds only with the
 * newest token, and only until it expires.
 * <p>
 * Refresh tokens are single-use: the server rotates them on every refresh. The first one is
 * obtained by a real authorization_code flow (form login, no consent, PKCE) driven with the
 * JDK HTTP client.
 */
@ExtendWith(OutputCaptureExtension.class)
class OAuth2ProviderIntegrationTests {

	/** Short enough to see several expiries in a test, long enough for a refresh at half-life. */
	private static final Duration TOKEN_LIFETIME = Duration.ofSeconds(5);

	private static final AtomicInteger roleCounter = new AtomicInteger();

	private static final Set<String> secrets = ConcurrentHashMap.newKeySet();

	private static ScramPostgres postgres;

	private static LocalAuthorizationServer server;

	/** The role whose password follows the tokens the server issues. */
	private static volatile String tokenRole;

	@TempDir
	Path tempDir;

	@BeforeAll
	static void start() {
		postgres = ScramPostgres.start();
		server = LocalAuthorizationServer.start(TOKEN_LIFETIME, (grantType, accessToken, expiresAt) -> {
			secrets.add(accessToken);
			String role = tokenRole;
			if (role != null) {
				postgres.setPassword(role, accessToken, expiresAt);
			}
		});
		secrets.add(server.clientSecret());
		secrets.add(server.userPassword());
	}

	@AfterAll
	static void stop() {
		server.close();
		postgres.close();
	}

	@BeforeEach
	void newRole() {
		String role = "oauth2_" + roleCounter.incrementAndGet();
		postgres.createLoginRole(role, ScramPostgres.randomPassword());
		tokenRole = role;
	}

	@AfterEach
	void noSecretInOutput(CapturedOutput output) {
		secrets.addAll(server.refreshTokensIssued());
		assertThat(secrets).hasSizeGreaterThan(2);
		for (String secret : secrets) {
			assertThat(output.getAll()).as("captured output must not contain a token or secret").doesNotContain(secret);
		}
	}

	private ApplicationContextRunner runner(String... properties) {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataSourceAutoConfiguration.class, RefreshingDataSourceAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + postgres.jdbcUrl(), "spring.datasource.username=" + tokenRole,
					"spring.datasource.hikari.maximum-pool-size=4", "spring.datasource.hikari.connection-timeout=5000",
					// The embedded PostgreSQL has no TLS and the authorization server speaks plain
					// HTTP; both listen on 127.0.0.1 only, so no token leaves this host.
					"refreshing.datasource.allow-insecure-transport=true",
					"refreshing.datasource.provider.type=oauth2",
					"refreshing.datasource.provider.oauth2.token-uri=" + server.tokenUri(),
					"refreshing.datasource.provider.oauth2.client-id=" + LocalAuthorizationServer.CLIENT_ID,
					"refreshing.datasource.provider.oauth2.client-secret=" + server.clientSecret(),
					"refreshing.datasource.provider.oauth2.scope=" + LocalAuthorizationServer.SCOPE,
					"refreshing.datasource.refresh.jitter=0s", "logging.level.io.github.refreshingdatasource=DEBUG")
			.withPropertyValues(properties);
	}

	@Test
	void clientCredentialsTokensKeepThePoolLoggedInAcrossExpiries() throws Exception {
		runner("refreshing.datasource.provider.oauth2.grant-type=client_credentials",
				"refreshing.datasource.provider.oauth2.client-authentication=client_secret_post")
			.run((context) -> {
				HikariDataSource pool = hikari(context);
				int before = server.tokensIssued("client_credentials");
				PoolLoad.Result load = PoolLoad.run(pool, TOKEN_LIFETIME.multipliedBy(2).plusSeconds(2), 2,
						Duration.ofMillis(250));
				int tokens = server.tokensIssued("client_credentials") - before;
				assertThat(load.failures()).as("failed queries").isEmpty();
				assertThat(load.queries()).isGreaterThan(100);
				assertThat(load.evictions()).isGreaterThan(20);
				// Refreshed at half-life: at least the first token and two renewals, at most one per half-life.
				long halfLives = load.elapsed().toMillis() / TOKEN_LIFETIME.dividedBy(2).toMillis();
				assertThat(tokens).isBetween(3, (int) halfLives + 2);
				String role = tokenRole;
				int expectedLogins = 3 * tokens;
				await().atMost(Duration.ofSeconds(5)).until(() -> PoolLoad.loginsOf(postgres, role) > expectedLogins);
			});
	}

	@Test
	void rotatingRefreshTokenChainSurvivesARestartThroughTheFileStore() throws Exception {
		String initial = server.authorize();
		Path file = this.tempDir.resolve("refresh-token.json");
		String[] properties = { "refreshing.datasource.provider.oauth2.grant-type=refresh_token",
				"refreshing.datasource.provider.oauth2.refresh-token=" + initial,
				"refreshing.datasource.provider.oauth2.refresh-token-store=file",
				"refreshing.datasource.provider.oauth2.refresh-token-file=" + file };
		int refreshesBefore = server.tokensIssued("refresh_token");
		int invalidGrantsBefore = server.errors("invalid_grant");
		runner(properties).run((context) -> {
			HikariDataSource pool = hikari(context);
			PoolLoad.Result load = PoolLoad.run(pool, TOKEN_LIFETIME.multipliedBy(2).plusSeconds(2), 2,
					Duration.ofMillis(250));
			assertThat(load.failures()).as("failed queries").isEmpty();
			assertThat(load.evictions()).isGreaterThan(20);
			long halfLives = load.elapsed().toMillis() / TOKEN_LIFETIME.dividedBy(2).toMillis();
			assertThat(server.tokensIssued("refresh_token") - refreshesBefore).isBetween(3, (int) halfLives + 2);
		});
		// Every refresh rotated the token; the file holds the newest, readable by its owner only.
		String newest = server.refreshTokensIssued().get(server.refreshTokensIssued().size() - 1);
		assertThat(Files.readString(file)).contains(newest).doesNotContain(initial);
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
		int refreshesAfterFirstRun = server.tokensIssued("refresh_token");
		// The restarted application is configured exactly as before, stale initial token included.
		runner(properties).run((context) -> {
			assertThat(PoolLoad.query(hikari(context))).isEqualTo(tokenRole);
			assertThat(server.tokensIssued("refresh_token")).isEqualTo(refreshesAfterFirstRun + 1);
		});
		assertThat(server.errors("invalid_grant")).isEqualTo(invalidGrantsBefore);
	}

	@Test
	void reusedRefreshTokenIsReportedOnceAsInvalidGrantAndNotRetried() throws Exception {
		String initial = server.authorize();
		String[] properties = { "refreshing.datasource.provider.oauth2.grant-type=refresh_token",
				"refreshing.datasource.provider.oauth2.refresh-token=" + initial,
				"refreshing.datasource.refresh.retry.max-attempts=5",
				"refreshing.datasource.refresh.retry.initial-interval=50ms" };
		// A first application uses the refresh token, and the server rotates it.
		runner(properties).run((context) -> assertThat(PoolLoad.query(hikari(context))).isEqualTo(tokenRole));
		int invalidGrantsBefore = server.errors("invalid_grant");
		// A second one still holds the same, now spent, refresh token.
		runner(properties).run((context) -> {
			HikariDataSource pool = hikari(context);
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> PoolLoad.query(pool))
				.satisfies((ex) -> assertThat(messages(ex)).contains("refused the refresh token (invalid_grant")
					.contains("revoked, already used, or has expired")
					.contains("Re-authorize"));
			CredentialCache cache = context.getBean(CredentialCacheRegistry.class).get("dataSource");
			// The snapshot holds a redacted failure (type + message), no Throwable (issue 11, D).
			assertThat(cache.snapshot().lastFailure()).satisfies((failure) -> {
				assertThat(failure.type()).isEqualTo(OAuth2ErrorException.class.getSimpleName());
				assertThat(failure.message()).contains("invalid_grant");
			});
			// A later connection attempt does not send the spent token again.
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> PoolLoad.query(pool));
			assertThat(server.errors("invalid_grant") - invalidGrantsBefore).isEqualTo(1);
		});
	}

	private static HikariDataSource hikari(AssertableApplicationContext context) throws SQLException {
		assertThat(context).hasNotFailed();
		return context.getBean(HikariDataSource.class);
	}

	private static String messages(Throwable failure) {
		StringBuilder messages = new StringBuilder();
		for (Throwable candidate = failure; candidate != null; candidate = candidate.getCause()) {
			messages.append(candidate).append('\n');
		}
		return messages.toString();
	}

}
