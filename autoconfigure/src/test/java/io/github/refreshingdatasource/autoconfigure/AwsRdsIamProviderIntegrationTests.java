package io.github.refreshingdatasource.autoconfigure;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.credentials.CredentialFetchInterceptor;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.testsupport.PoolLoad;
import io.github.refreshingdatasource.testsupport.RdsIamTokenVerifier;
import io.github.refreshingdatasource.testsupport.ScramPostgres;
import org.junit.jupiter.api.AfterAll;
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

/**
 * The {@code aws-rds-iam} provider end to end through the auto-configuration, from
 * properties only: the real AWS SDK signs each token with the application's
 * {@link AwsCredentialsProvider} bean for the JDBC URL's host, port and user. RDS's part is
 * played at the one place the starter lets a test see a token before the pool does, a
 * {@link CredentialFetchInterceptor} bean: it recomputes the token's SigV4 signature
 * ({@link RdsIamTokenVerifier}) and only a valid token becomes the role's password on the
 * scram-only PostgreSQL, until the token's expiry. The expiry cycle itself, which takes 15
 * minutes at RDS's lifetime, is proven on the engine in {@code AwsRdsIamIntegrationTests}.
 */
@ExtendWith(OutputCaptureExtension.class)
class AwsRdsIamProviderIntegrationTests {

	private static final String ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";

	private static final String SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

	private static final String ROLE = "iam_via_properties";

	private static final Set<String> tokens = ConcurrentHashMap.newKeySet();

	private static ScramPostgres postgres;

	@BeforeAll
	static void start() {
		postgres = ScramPostgres.start();
		postgres.createLoginRole(ROLE, ScramPostgres.randomPassword());
	}

	@AfterAll
	static void stop() {
		postgres.close();
	}

	@Test
	void propertiesAloneLogThePoolInWithVerifiedTokens(CapturedOutput output) throws Exception {
		RdsIamTokenVerifier verifier = new RdsIamTokenVerifier(ACCESS_KEY_ID, SECRET_ACCESS_KEY);
		CredentialFetchInterceptor rds = (cache, cause, provider) -> {
			DbCredential token = provider.fetch();
			RdsIamTokenVerifier.Verified verified = verifier.verify(token.secret(), "localhost", postgres.port(), ROLE,
					"eu-west-1");
			postgres.setPassword(ROLE, token.secret(), verified.expiresAt());
			tokens.add(token.secret());
			return token;
		};
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataSourceAutoConfiguration.class, RefreshingDataSourceAutoConfiguration.class))
			.withBean(AwsCredentialsProvider.class, () -> StaticCredentialsProvider
				.create(AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY)))
			.withBean(CredentialFetchInterceptor.class, () -> rds)
			.withPropertyValues("spring.datasource.url=" + postgres.jdbcUrl(), "spring.datasource.username=" + ROLE,
					"spring.datasource.hikari.maximum-pool-size=2",
					// The embedded PostgreSQL has no TLS; it listens on 127.0.0.1 only.
					"refreshing.datasource.allow-insecure-transport=true",
					"refreshing.datasource.provider.type=aws-rds-iam",
					"refreshing.datasource.provider.aws-rds-iam.region=eu-west-1")
			.run((context) -> {
				HikariDataSource pool = hikari(context);
				PoolLoad.Result load = PoolLoad.run(pool, Duration.ofSeconds(2), 2, Duration.ofMillis(250));
				assertThat(load.failures()).as("failed queries").isEmpty();
				assertThat(load.evictions()).isGreaterThan(3);
				assertThat(PoolLoad.query(pool)).isEqualTo(ROLE);
				// A 15-minute token serves every login of the run: signed once.
				assertThat(tokens).hasSize(1);
			});
		for (String token : tokens) {
			assertThat(output.getAll()).doesNotContain(token);
		}
		assertThat(output.getAll()).doesNotContain(SECRET_ACCESS_KEY);
	}

	private static HikariDataSource hikari(AssertableApplicationContext context) throws SQLException {
		assertThat(context).hasNotFailed();
		return context.getBean(DataSource.class).unwrap(HikariDataSource.class);
	}

}
