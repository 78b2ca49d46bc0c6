package io.github.refreshingdatasource.credentials.provider.awsiam;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.credentials.RefreshMode;
import io.github.refreshingdatasource.credentials.RefreshSettings;
import io.github.refreshingdatasource.testsupport.RdsIamTokenVerifier;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsUtilities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link AwsRdsIamCredentialProvider}: tokens come from the real AWS SDK signing
 * with static test credentials, and are checked by recomputing their signature.
 */
class AwsRdsIamCredentialProviderTests {

	static final String ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";

	static final String SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

	private static final String HOST = "mydb.c1a2b3c4d5e6.eu-west-1.rds.amazonaws.com";

	private final RdsUtilities utilities = RdsUtilities.builder()
		.credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY)))
		.region(Region.EU_WEST_1)
		.build();

	private final AwsRdsIamCredentialProvider provider = new AwsRdsIamCredentialProvider(this.utilities, HOST, 5432,
			"app_user", Region.EU_WEST_1);

	@Test
	void tokenIsSignedForHostPortUserAndRegionAndExpiresAfterFifteenMinutes() {
		Instant before = Instant.now();
		DbCredential credential = this.provider.fetch();
		assertThat(credential.username()).isEqualTo("app_user");
		RdsIamTokenVerifier.Verified verified = new RdsIamTokenVerifier(ACCESS_KEY_ID, SECRET_ACCESS_KEY)
			.verify(credential.secret(), HOST, 5432, "app_user", "eu-west-1");
		assertThat(verified.validFor()).isEqualTo(Duration.ofMinutes(15));
		assertThat(verified.signedAt()).isBetween(before.minusSeconds(1), Instant.now());
		assertThat(credential.expiresAt()).isEqualTo(verified.expiresAt());
	}

	@Test
	void verifierRejectsATokenSignedWithAnotherKeyOrForAnotherUser() {
		String token = this.provider.fetch().secret();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RdsIamTokenVerifier(ACCESS_KEY_ID, SECRET_ACCESS_KEY + "x").verify(token, HOST, 5432,
					"app_user", "eu-west-1"))
			.withMessageContaining("signature does not match");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RdsIamTokenVerifier(ACCESS_KEY_ID, SECRET_ACCESS_KEY).verify(token, HOST, 5432,
					"other_user", "eu-west-1"))
			.withMessageContaining("DBUser");
	}

	@Test
	void fifteenMinuteExpiryDrivesTheRefreshFourMinutesAhead() throws Exception {
		RefreshSettings settings = new RefreshSettings(Duration.ofMinutes(4), Duration.ZERO, Duration.ofSeconds(10),
				Duration.ofMinutes(15), Duration.ofSeconds(1), RefreshSettings.Retry.defaults(),
				RefreshSettings.Lockout.defaults(), RefreshMode.BACKGROUND, Duration.ZERO);
		try (CredentialCache cache = new CredentialCache("dataSource", "aws-rds-iam", this.provider, null, settings)) {
			DbCredential credential = cache.refresh().get(10, TimeUnit.SECONDS);
			Instant expiresAt = credential.expiresAt();
			assertThat(cache.snapshot().expiresAt()).isEqualTo(expiresAt);
			// Scheduled from the moment the token arrived: a few milliseconds of slack.
			assertThat(cache.snapshot().nextRefreshAt()).isBetween(expiresAt.minus(Duration.ofMinutes(4)),
					expiresAt.minus(Duration.ofMinutes(4)).plusSeconds(2));
		}
	}

	@Test
	void shorterLifetimeForTestsCapsTheExpiry() {
		AwsRdsIamCredentialProvider shortLived = new AwsRdsIamCredentialProvider(this.utilities, HOST, 5432, "app_user",
				Region.EU_WEST_1, Duration.ofSeconds(4), java.time.Clock.systemUTC());
		DbCredential credential = shortLived.fetch();
		RdsIamTokenVerifier.Verified verified = new RdsIamTokenVerifier(ACCESS_KEY_ID, SECRET_ACCESS_KEY)
			.verify(credential.secret(), HOST, 5432, "app_user", "eu-west-1");
		assertThat(credential.expiresAt()).isEqualTo(verified.signedAt().plusSeconds(4));
	}

	@Test
	void toStringHoldsNoTokenOrKey() {
		String token = this.provider.fetch().secret();
		assertThat(this.provider.toString()).contains("app_user@" + HOST + ":5432")
			.doesNotContain(token)
			.doesNotContain(SECRET_ACCESS_KEY);
	}

}
