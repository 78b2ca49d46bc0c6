package io.github.refreshingdatasource.credentials.provider.gcpiam;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.google.auth.oauth2.GoogleCredentials;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.testsupport.LocalGoogleEndpoints;
import io.github.refreshingdatasource.testsupport.Secrets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.within;

/**
 * The provider on the real Google Auth Library, against {@link LocalGoogleEndpoints}: a
 * service account key whose {@code token_uri} is the local token endpoint, which verifies
 * the JWT assertion the library signs, and the local IAM Credentials API for impersonation.
 */
class GcpCloudSqlIamCredentialProviderTests {

	private static final Duration LIFETIME = Duration.ofMinutes(10);

	private static final String CALLER = "app@local-project.iam.gserviceaccount.com";

	private static final String HOP = "hop@local-project.iam.gserviceaccount.com";

	private static final String TARGET = "db-user@local-project.iam.gserviceaccount.com";

	private final Secrets secrets = new Secrets();

	private LocalGoogleEndpoints endpoints;

	@TempDir
	Path directory;

	@BeforeEach
	void start() throws IOException {
		this.endpoints = LocalGoogleEndpoints.start(LIFETIME, (token) -> this.secrets.add(token.token()));
	}

	@AfterEach
	void stop() {
		this.endpoints.close();
	}

	@Test
	void serviceAccountKeyGetsAFreshTokenScopedToSqlLoginOnEveryFetch() throws Exception {
		GoogleCredentials credentials = GcpCloudSqlIamCredentialProvider.scoped(load(CALLER));
		GcpCloudSqlIamCredentialProvider provider = new GcpCloudSqlIamCredentialProvider(credentials, "db_user");
		Instant before = Instant.now();
		DbCredential first = provider.fetch();
		DbCredential second = provider.fetch();
		assertThat(first.username()).isEqualTo("db_user");
		assertThat(first.secret()).isNotEqualTo(second.secret());
		assertThat(first.expiresAt()).isCloseTo(before.plus(LIFETIME), within(Duration.ofSeconds(5)));
		assertThat(this.endpoints.tokenRequests()).isEqualTo(2);
		assertThat(this.endpoints.refusals()).isEmpty();
		assertThat(this.endpoints.issued()).extracting(LocalGoogleEndpoints.Issued::scopes)
			.containsOnly(List.of(GcpCloudSqlIamCredentialProvider.SQL_LOGIN_SCOPE));
		assertThat(this.endpoints.issued()).extracting(LocalGoogleEndpoints.Issued::principal).containsOnly(CALLER);
		assertThat(provider.toString()).doesNotContain(first.secret());
	}

	@Test
	void impersonationThroughADelegationChainYieldsTheTargetsToken() throws Exception {
		this.endpoints.allowTokenCreator(CALLER, HOP);
		this.endpoints.allowTokenCreator(HOP, TARGET);
		GoogleCredentials credentials = GcpCloudSqlIamCredentialProvider.impersonating(load(CALLER), TARGET,
				List.of(HOP), 600, this.endpoints.iamCredentialsEndpoint() + "/");
		GcpCloudSqlIamCredentialProvider provider = new GcpCloudSqlIamCredentialProvider(credentials, null);
		DbCredential first = provider.fetch();
		DbCredential second = provider.fetch();
		assertThat(this.endpoints.refusals()).isEmpty();
		assertThat(first.username()).isNull();
		assertThat(first.secret()).isNotEqualTo(second.secret());
		assertThat(this.endpoints.impersonationRequests()).isEqualTo(2);
		// The caller's own token (cloud-platform) is fetched once and reused by the library.
		assertThat(this.endpoints.tokenRequests()).isEqualTo(1);
		LocalGoogleEndpoints.Issued issued = this.endpoints.issued()
			.stream()
			.filter((token) -> token.token().equals(first.secret()))
			.findFirst()
			.orElseThrow();
		assertThat(issued.principal()).isEqualTo(TARGET);
		assertThat(issued.scopes()).containsExactly(GcpCloudSqlIamCredentialProvider.SQL_LOGIN_SCOPE);
		assertThat(first.expiresAt()).isEqualTo(issued.expiresAt());
		assertThat(GcpCloudSqlIamCredentialProvider.serviceAccountOf(credentials)).isEqualTo(TARGET);
	}

	@Test
	void impersonationWithoutTheTokenCreatorRoleFailsWithoutASecretInTheMessage() throws Exception {
		this.endpoints.allowTokenCreator(CALLER, HOP);
		GoogleCredentials credentials = GcpCloudSqlIamCredentialProvider.impersonating(load(CALLER), TARGET,
				List.of(HOP), 600, this.endpoints.iamCredentialsEndpoint());
		GcpCloudSqlIamCredentialProvider provider = new GcpCloudSqlIamCredentialProvider(credentials, null);
		assertThatExceptionOfType(IOException.class).isThrownBy(provider::fetch).satisfies((ex) -> {
			StringBuilder chain = new StringBuilder();
			for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
				chain.append(cause).append('\n');
			}
			this.secrets.assertNoneIn(chain.toString());
		});
		assertThat(this.endpoints.refusals()).containsExactly(HOP + " may not create tokens for " + TARGET);
	}

	@Test
	void databaseUserFollowsCloudSqlNaming() throws Exception {
		assertThat(GcpCloudSqlIamCredentialProvider.databaseUser(TARGET, false))
			.isEqualTo("db-user@local-project.iam");
		assertThat(GcpCloudSqlIamCredentialProvider.databaseUser(TARGET, true)).isEqualTo("db-user");
		assertThat(GcpCloudSqlIamCredentialProvider.databaseUser("jane@example.com", false))
			.isEqualTo("jane@example.com");
		assertThat(GcpCloudSqlIamCredentialProvider.serviceAccountOf(load(CALLER))).isEqualTo(CALLER);
	}

	private GoogleCredentials load(String email) throws Exception {
		Path key = this.endpoints.writeServiceAccountKey(this.directory, email);
		try (InputStream in = Files.newInputStream(key)) {
			return GoogleCredentials.fromStream(in);
		}
	}

}
