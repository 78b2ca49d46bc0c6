package io.github.refreshingdatasource.credentials.provider.awsiam;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.RefreshMode;
import io.github.refreshingdatasource.credentials.RefreshSettings;
import io.github.refreshingdatasource.jdbc.HikariCredentialBinding;
import io.github.refreshingdatasource.testsupport.PoolLoad;
import io.github.refreshingdatasource.testsupport.RdsIamTokenVerifier;
import io.github.refreshingdatasource.testsupport.ScramPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsUtilities;
import software.amazon.awssdk.services.rds.model.GenerateAuthenticationTokenRequest;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code aws-rds-iam} provider end to end, on the engine (a HikariCP pool bound to a
 * credential cache as the auto-configuration does it): the real AWS SDK signs every token
 * with static test credentials, and the fixture plays RDS's part. It recomputes the SigV4
 * signature of each token and, only if it is valid for this host, port, user and region,
 * makes the token the role's password on the scram-only embedded PostgreSQL, valid until
 * the token's expiry.
 * <p>
 * RDS accepts a token for 15 minutes. To see two expiries in seconds, the provider is
 * built with its package-private lifetime of 4 seconds (a constructor parameter used by
 * tests only), and the fixture accepts each token for the same 4 seconds from its
 * {@code X-Amz-Date}.
 */
@ExtendWith(OutputCaptureExtension.class)
class AwsRdsIamIntegrationTests {

	private static final Duration LIFETIME = Duration.ofSeconds(4);

	private static final String ROLE = "iam_app";

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
	void tokensKeepThePoolLoggedInAcrossExpiriesWithOneTokenPerLifetime(CapturedOutput output) throws Exception {
		RdsUtilities sdk = RdsUtilities.builder()
			.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials
				.create(AwsRdsIamCredentialProviderTests.ACCESS_KEY_ID, AwsRdsIamCredentialProviderTests.SECRET_ACCESS_KEY)))
			.region(Region.US_EAST_1)
			.build();
		RdsIamTokenVerifier verifier = new RdsIamTokenVerifier(AwsRdsIamCredentialProviderTests.ACCESS_KEY_ID,
				AwsRdsIamCredentialProviderTests.SECRET_ACCESS_KEY);
		AtomicInteger generated = new AtomicInteger();
		Set<String> tokens = ConcurrentHashMap.newKeySet();
		RdsUtilities rds = new RdsUtilities() {

			@Override
			public String generateAuthenticationToken(GenerateAuthenticationTokenRequest request) {
				String token = sdk.generateAuthenticationToken(request);
				RdsIamTokenVerifier.Verified verified = verifier.verify(token, "localhost", postgres.port(), ROLE,
						"us-east-1");
				postgres.setPassword(ROLE, token, verified.signedAt().plus(LIFETIME));
				tokens.add(token);
				generated.incrementAndGet();
				return token;
			}

		};
		AwsRdsIamCredentialProvider provider = new AwsRdsIamCredentialProvider(rds, "localhost", postgres.port(), ROLE,
				Region.US_EAST_1, LIFETIME, Clock.systemUTC());
		RefreshSettings settings = new RefreshSettings(Duration.ofMinutes(4), Duration.ZERO, Duration.ofSeconds(10),
				Duration.ofMinutes(15), Duration.ofMillis(500), RefreshSettings.Retry.defaults(),
				RefreshSettings.Lockout.defaults(), RefreshMode.BACKGROUND, Duration.ZERO);
		try (HikariDataSource pool = new HikariDataSource();
				CredentialCache cache = new CredentialCache("dataSource", "aws-rds-iam", provider, null, settings)) {
			pool.setJdbcUrl(postgres.jdbcUrl());
			pool.setUsername(ROLE);
			pool.setMaximumPoolSize(4);
			pool.setConnectionTimeout(5000);
			HikariCredentialBinding.bind(pool, cache, false);
			cache.start();
			PoolLoad.Result load = PoolLoad.run(pool, LIFETIME.multipliedBy(2).plusSeconds(2), 2, Duration.ofMillis(250));
			assertThat(load.failures()).as("failed queries").isEmpty();
			assertThat(load.evictions()).isGreaterThan(20);
			// X-Amz-Date is whole seconds, so a token lives between 3 and 4 s: renewed at half of that.
			long shortestHalfLives = load.elapsed().toMillis() / 1500;
			assertThat(generated.get()).isBetween(3, (int) shortestHalfLives + 2);
			int expectedLogins = 3 * generated.get();
			await().atMost(Duration.ofSeconds(5)).until(() -> PoolLoad.loginsOf(postgres, ROLE) > expectedLogins);
		}
		assertThat(tokens).hasSize(generated.get());
		for (String token : tokens) {
			assertThat(output.getAll()).doesNotContain(token);
		}
		assertThat(output.getAll()).doesNotContain(AwsRdsIamCredentialProviderTests.SECRET_ACCESS_KEY);
	}

}
