package io.github.refreshingdatasource.autoconfigure;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheListener;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.testsupport.LocalSecretsManager;
import io.github.refreshingdatasource.testsupport.PoolLoad;
import io.github.refreshingdatasource.testsupport.ScramPostgres;
import io.github.refreshingdatasource.testsupport.Secrets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

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
 * The {@code aws-secrets-manager} provider end to end, through the auto-configuration: the
 * real AWS SDK v2 signs and sends {@code GetSecretValue} to {@link LocalSecretsManager}, a
 * local endpoint speaking the service's JSON protocol. It is a stand-in: no Secrets Manager
 * emulator can be installed here (moto and LocalStack need PyPI or containers, neither
 * reachable).
 * <p>
 * The two rotation strategies of Secrets Manager's RDS rotation functions run under load,
 * each rotation changing the database and the secret at the same moment:
 * <ul>
 * <li>single user: the role's password changes, so the cached one is rejected at the next
 * login; the provider reads the secret once per rotation, and no query fails;</li>
 * <li>alternating users: the other role gets a new password and the secret names it, while
 * the old role keeps working; the pool moves over on the refresh interval without a single
 * rejected login.</li>
 * </ul>
 */
@ExtendWith(OutputCaptureExtension.class)
class AwsSecretsManagerProviderIntegrationTests {

	private static final String ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";

	private static final String SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

	private static final int ROTATIONS = 4;

	private static final Secrets secrets = new Secrets();

	private static final AtomicInteger rejections = new AtomicInteger();

	private static ScramPostgres postgres;

	private static LocalSecretsManager secretsManager;

	@BeforeAll
	static void start() throws Exception {
		postgres = ScramPostgres.start();
		secretsManager = LocalSecretsManager.start(ACCESS_KEY_ID, "eu-west-1");
		secrets.add(SECRET_ACCESS_KEY);
	}

	@AfterAll
	static void stop() {
		secretsManager.close();
		postgres.close();
	}

	@AfterEach
	void noSecretInOutput(CapturedOutput output) {
		assertThat(secretsManager.refusals()).isEmpty();
		secrets.assertNoneIn(output.getAll());
	}

	private ApplicationContextRunner runner(String secretName, String... properties) {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataSourceAutoConfiguration.class, RefreshingDataSourceAutoConfiguration.class))
			.withBean(AwsCredentialsProvider.class, () -> StaticCredentialsProvider
				.create(AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY)))
			.withBean(CredentialCacheListener.class, () -> new CredentialCacheListener() {

				@Override
				public void credentialRejected(CredentialCache cache, DbCredential rejected) {
					rejections.incrementAndGet();
				}

			})
			.withPropertyValues("spring.datasource.url=" + postgres.jdbcUrl(),
					"spring.datasource.hikari.maximum-pool-size=4", "spring.datasource.hikari.connection-timeout=10000",
					"refreshing.datasource.provider.type=aws-secrets-manager",
					"refreshing.datasource.provider.aws-secrets-manager.secret-id=" + secretName,
					"refreshing.datasource.provider.aws-secrets-manager.region=eu-west-1",
					// Plain HTTP to an endpoint on 127.0.0.1 only, so no password leaves this host.
					"refreshing.datasource.provider.aws-secrets-manager.endpoint=" + secretsManager.endpoint(),
					"refreshing.datasource.allow-insecure-transport=true", "refreshing.datasource.refresh.jitter=0s")
			.withPropertyValues(properties);
	}

	@Test
	void singleUserRotationIsPickedUpByTheRejectedLoginWithOneReadPerRotation() throws Exception {
		String role = "sm_single";
		String password = secrets.newPassword();
		postgres.createLoginRole(role, password);
		secretsManager.createSecret("single", rdsSecret(role, password));
		runner("single").run((context) -> {
			HikariDataSource pool = hikari(context);
			assertThat(PoolLoad.query(pool)).isEqualTo(role);
			int readsBefore = secretsManager.calls("GetSecretValue");
			int rejectionsBefore = rejections.get();
			CompletableFuture<PoolLoad.Result> load = CompletableFuture
				.supplyAsync(() -> run(pool, Duration.ofSeconds(8)));
			for (int i = 0; i < ROTATIONS; i++) {
				String next = secrets.newPassword();
				secretsManager.rotate("single", rdsSecret(role, next), () -> postgres.setPassword(role, next));
				String fingerprint = DbCredential.of(role, next, null).fingerprint();
				await().atMost(Duration.ofSeconds(15))
					.until(() -> fingerprint.equals(cache(context).snapshot().fingerprint()));
			}
			PoolLoad.Result result = load.get(60, TimeUnit.SECONDS);
			assertThat(result.failures()).as("failed queries").isEmpty();
			assertThat(result.evictions()).isGreaterThan(10);
			// The refresh interval (1 h) never came: each rotation was read once, after its rejection.
			assertThat(secretsManager.calls("GetSecretValue") - readsBefore).isEqualTo(ROTATIONS);
			assertThat(rejections.get() - rejectionsBefore).isGreaterThanOrEqualTo(ROTATIONS);
		});
	}

	@Test
	void alternatingUsersRotationMovesThePoolOverWithoutARejectedLogin() throws Exception {
		String[] roles = { "sm_alt_a", "sm_alt_b" };
		String first = secrets.newPassword();
		postgres.createLoginRole(roles[0], first);
		postgres.createLoginRole(roles[1], secrets.newPassword());
		secretsManager.createSecret("alternating", rdsSecret(roles[0], first));
		runner("alternating", "refreshing.datasource.provider.aws-secrets-manager.refresh-interval=1s",
				"refreshing.datasource.refresh.min-interval=500ms")
			.run((context) -> {
				HikariDataSource pool = hikari(context);
				assertThat(PoolLoad.query(pool)).isEqualTo(roles[0]);
				int readsBefore = secretsManager.calls("GetSecretValue");
				int rejectionsBefore = rejections.get();
				long started = System.nanoTime();
				CompletableFuture<PoolLoad.Result> load = CompletableFuture
					.supplyAsync(() -> run(pool, Duration.ofSeconds(8)));
				for (int i = 1; i <= ROTATIONS; i++) {
					String role = roles[i % 2];
					String next = secrets.newPassword();
					// The clone gets a new password; the role in use keeps its own until the next rotation.
					secretsManager.rotate("alternating", rdsSecret(role, next), () -> postgres.setPassword(role, next));
					await().atMost(Duration.ofSeconds(10)).until(() -> role.equals(cache(context).snapshot().username()));
				}
				PoolLoad.Result result = load.get(60, TimeUnit.SECONDS);
				long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + 1;
				assertThat(result.failures()).as("failed queries").isEmpty();
				assertThat(rejections.get() - rejectionsBefore).as("rejected logins").isZero();
				assertThat(secretsManager.calls("GetSecretValue") - readsBefore).isBetween(ROTATIONS,
						(int) seconds + 1);
				await().atMost(Duration.ofSeconds(5)).until(() -> PoolLoad.loginsOf(postgres, roles[1]) > 0);
			});
	}

	// The SDK's own call timeout is the fetch timeout: an endpoint that never answers costs a
	// connection at most that long, and the pool logs in once it answers again.
	@Test
	void anEndpointThatHangsIsCutOffAtTheFetchTimeoutAndThePoolRecovers() throws Exception {
		String role = "sm_hang";
		String password = secrets.newPassword();
		postgres.createLoginRole(role, password);
		secretsManager.createSecret("hang", rdsSecret(role, password));
		CountDownLatch release = secretsManager.holdRequests();
		try {
			runner("hang", "refreshing.datasource.refresh.fetch-timeout=1s",
					"refreshing.datasource.refresh.retry.max-attempts=1",
					"refreshing.datasource.refresh.retry.max-interval=500ms",
					"spring.datasource.hikari.connection-timeout=3000")
				.run((context) -> {
					HikariDataSource pool = hikari(context);
					long started = System.nanoTime();
					assertThatExceptionOfType(SQLException.class).isThrownBy(() -> PoolLoad.query(pool));
					assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(6));
					release.countDown();
					secretsManager.holdRequests().countDown();
					await().atMost(Duration.ofSeconds(20))
						.ignoreExceptions()
						.until(() -> role.equals(PoolLoad.query(pool)));
				});
		}
		finally {
			release.countDown();
		}
	}

	private static PoolLoad.Result run(HikariDataSource pool, Duration duration) {
		try {
			return PoolLoad.run(pool, duration, 2, Duration.ofMillis(250));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String rdsSecret(String username, String password) {
		return "{\"engine\":\"postgres\",\"host\":\"db.example\",\"port\":5432,\"username\":\"" + username
				+ "\",\"password\":\"" + password + "\"}";
	}

	private static CredentialCache cache(AssertableApplicationContext context) {
		return context.getBean(CredentialCacheRegistry.class).get("dataSource");
	}

	private static HikariDataSource hikari(AssertableApplicationContext context) throws SQLException {
		assertThat(context).hasNotFailed();
		return context.getBean(DataSource.class).unwrap(HikariDataSource.class);
	}

}
