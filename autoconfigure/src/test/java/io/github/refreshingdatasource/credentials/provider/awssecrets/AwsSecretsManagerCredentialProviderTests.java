package io.github.refreshingdatasource.credentials.provider.awssecrets;

import java.io.IOException;

import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.credentials.NonRetryableCredentialException;
import io.github.refreshingdatasource.testsupport.LocalSecretsManager;
import io.github.refreshingdatasource.testsupport.Secrets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The provider on the real AWS SDK v2 against {@link LocalSecretsManager}, a local endpoint
 * speaking the Secrets Manager JSON protocol (no emulator can run here).
 */
class AwsSecretsManagerCredentialProviderTests {

	static final String ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";

	static final String SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

	private final Secrets secrets = new Secrets();

	private LocalSecretsManager endpoint;

	private SecretsManagerClient client;

	@BeforeEach
	void start() throws IOException {
		this.endpoint = LocalSecretsManager.start(ACCESS_KEY_ID, "eu-west-1");
		this.client = client(this.endpoint);
		this.secrets.add(SECRET_ACCESS_KEY);
	}

	@AfterEach
	void stop() {
		this.client.close();
		this.endpoint.close();
	}

	static SecretsManagerClient client(LocalSecretsManager endpoint) {
		return SecretsManagerClient.builder()
			.endpointOverride(endpoint.endpoint())
			.region(Region.EU_WEST_1)
			.credentialsProvider(
					StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY_ID, SECRET_ACCESS_KEY)))
			.build();
	}

	@Test
	void rdsStyleJsonSecretGivesUsernameAndPasswordAndNoExpiry() throws Exception {
		String password = this.secrets.newPassword();
		this.endpoint.createSecret("prod/app/db", "{\"engine\":\"postgres\",\"host\":\"elsewhere.example\",\"port\":6543,"
				+ "\"dbname\":\"other\",\"username\":\"app_user\",\"password\":\"" + password + "\"}");
		AwsSecretsManagerCredentialProvider provider = provider("prod/app/db", "AWSCURRENT");
		DbCredential credential = provider.fetch();
		assertThat(credential.username()).isEqualTo("app_user");
		assertThat(credential.secret()).isEqualTo(password);
		assertThat(credential.expiresAt()).isNull();
		assertThat(this.endpoint.refusals()).isEmpty();
		assertThat(this.endpoint.calls("GetSecretValue")).isEqualTo(1);
		this.secrets.assertNoneIn(provider.toString() + credential);
	}

	@Test
	void plainTextSecretIsThePassword() throws Exception {
		String password = this.secrets.newPassword();
		this.endpoint.createSecret("plain", "  " + password + "\n");
		DbCredential credential = provider("plain", "AWSCURRENT").fetch();
		assertThat(credential.username()).isNull();
		assertThat(credential.secret()).isEqualTo(password);
	}

	@Test
	void versionStageIsConfigurableAndTheSecretCanBeNamedByArn() throws Exception {
		String first = this.secrets.newPassword();
		String second = this.secrets.newPassword();
		String arn = this.endpoint.createSecret("rotated", "{\"username\":\"u\",\"password\":\"" + first + "\"}");
		this.endpoint.rotate("rotated", "{\"username\":\"u\",\"password\":\"" + second + "\"}", () -> {
		});
		assertThat(provider(arn, "AWSCURRENT").fetch().secret()).isEqualTo(second);
		assertThat(provider(arn, "AWSPREVIOUS").fetch().secret()).isEqualTo(first);
		assertThat(AwsSecretsManagerCredentialProvider.regionOf(arn)).isEqualTo("eu-west-1");
		assertThat(AwsSecretsManagerCredentialProvider.regionOf("rotated")).isNull();
		// The endpoint keeps the stages as the service does.
		DescribeSecretResponse described = this.client.describeSecret((request) -> request.secretId("rotated"));
		assertThat(described.arn()).isEqualTo(arn);
		assertThat(described.versionIdsToStages().values()).containsExactlyInAnyOrder(
				java.util.List.of("AWSCURRENT"), java.util.List.of("AWSPREVIOUS"));
	}

	@Test
	void missingSecretOrStageIsNotRetriedAndSaysWhatToCheck() {
		this.endpoint.createSecret("exists", this.secrets.newPassword());
		assertThatExceptionOfType(NonRetryableCredentialException.class)
			.isThrownBy(() -> provider("missing", "AWSCURRENT").fetch())
			.withMessageContaining("Secret missing (stage AWSCURRENT) was not found")
			.withMessageContaining("region");
		assertThatExceptionOfType(NonRetryableCredentialException.class)
			.isThrownBy(() -> provider("exists", "AWSPENDING").fetch())
			.withMessageContaining("Secret exists (stage AWSPENDING) was not found")
			.satisfies((ex) -> this.secrets.assertNoneIn(ex.toString() + ex.getCause()));
	}

	@Test
	void accessDeniedIsNotRetriedAndSaysWhatToAllow() {
		this.endpoint.createSecret("guarded", this.secrets.newPassword());
		this.endpoint.deny("guarded");
		assertThatExceptionOfType(NonRetryableCredentialException.class)
			.isThrownBy(() -> provider("guarded", "AWSCURRENT").fetch())
			.withMessageContaining("access denied")
			.withMessageContaining("secretsmanager:GetSecretValue")
			.withMessageContaining("kms:Decrypt");
	}

	@Test
	void malformedJsonSecretFailsWithoutQuotingIt() {
		String password = this.secrets.newPassword();
		this.endpoint.createSecret("broken", "{\"username\":\"u\",\"password\":" + password + "}");
		this.endpoint.createSecret("no-password", "{\"username\":\"u\",\"pwd\":\"" + password + "\"}");
		assertThatExceptionOfType(NonRetryableCredentialException.class)
			.isThrownBy(() -> provider("broken", "AWSCURRENT").fetch())
			.withMessageContaining("is not a usable credential: Invalid JSON")
			.satisfies((ex) -> this.secrets.assertNoneIn(ex.toString() + ex.getCause()));
		assertThatExceptionOfType(NonRetryableCredentialException.class)
			.isThrownBy(() -> provider("no-password", "AWSCURRENT").fetch())
			.withMessageContaining("JSON has no 'password' field")
			.satisfies((ex) -> this.secrets.assertNoneIn(ex.toString()));
	}

	@Test
	void serverErrorsAreLeftToTheCacheToRetry() {
		this.endpoint.createSecret("flaky", this.secrets.newPassword());
		this.endpoint.failNext(100);
		assertThatExceptionOfType(SdkException.class).isThrownBy(() -> provider("flaky", "AWSCURRENT").fetch())
			.isNotInstanceOf(NonRetryableCredentialException.class);
	}

	@Test
	void closingTheWatchClosesTheClient() throws Exception {
		this.endpoint.createSecret("closed", this.secrets.newPassword());
		AwsSecretsManagerCredentialProvider provider = provider("closed", "AWSCURRENT");
		provider.watch(() -> {
		}).close();
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(provider::fetch);
	}

	private AwsSecretsManagerCredentialProvider provider(String secretId, String stage) {
		return new AwsSecretsManagerCredentialProvider(client(this.endpoint), secretId, stage, "username", "password");
	}

}
