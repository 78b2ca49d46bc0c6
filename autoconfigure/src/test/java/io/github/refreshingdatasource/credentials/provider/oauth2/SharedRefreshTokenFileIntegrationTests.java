package io.github.refreshingdatasource.credentials.provider.oauth2;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.credentials.RefreshMode;
import io.github.refreshingdatasource.credentials.RefreshSettings;
import io.github.refreshingdatasource.testsupport.LocalAuthorizationServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two replicas sharing one refresh token file on a volume, against the real Spring
 * Authorization Server with single-use refresh tokens: each replica is a token source with
 * its own {@link FileRefreshTokenStore} and its own cache, as two processes would have
 * (the cross-process half of the lock is proven in {@link FileRefreshTokenStoreTests}).
 * They refresh concurrently; every redemption must present the chain's newest token.
 */
@ExtendWith(OutputCaptureExtension.class)
class SharedRefreshTokenFileIntegrationTests {

	private static final int ROUNDS_PER_REPLICA = 12;

	private static final Set<String> accessTokens = ConcurrentHashMap.newKeySet();

	private static LocalAuthorizationServer server;

	@TempDir
	Path tempDir;

	@BeforeAll
	static void start() {
		server = LocalAuthorizationServer.start(Duration.ofMinutes(5),
				(grantType, accessToken, expiresAt) -> accessTokens.add(accessToken));
	}

	@AfterAll
	static void stop() {
		server.close();
	}

	@Test
	void twoCachesOnOneFileContinueOneChainWithoutInvalidGrant(CapturedOutput output) throws Exception {
		String authorized = server.authorize();
		Path file = this.tempDir.resolve("refresh-token.json");
		OAuth2Client client = new OAuth2Client(server.tokenUri(), LocalAuthorizationServer.CLIENT_ID,
				server.clientSecret(), ClientAuthentication.CLIENT_SECRET_BASIC, GrantType.REFRESH_TOKEN,
				List.of(LocalAuthorizationServer.SCOPE), Map.of());
		RefreshSettings settings = new RefreshSettings(Duration.ofMinutes(4), Duration.ZERO, Duration.ofSeconds(20),
				Duration.ofMinutes(15), Duration.ofMillis(1),
				new RefreshSettings.Retry(1, Duration.ofMillis(20), 2.0, Duration.ofMillis(100)),
				RefreshSettings.Lockout.defaults(), RefreshMode.BACKGROUND, Duration.ZERO);
		int refreshesBefore = server.tokensIssued("refresh_token");
		List<CredentialCache> caches = new ArrayList<>();
		ExecutorService replicas = Executors.newFixedThreadPool(2);
		try {
			for (int replica = 0; replica < 2; replica++) {
				OAuth2TokenSource source = new OAuth2TokenSource(client, new FileRefreshTokenStore(file, authorized),
						Duration.ofSeconds(20));
				caches.add(new CredentialCache("replica" + replica, "oauth2", source.newProvider(), "app", settings));
			}
			CountDownLatch go = new CountDownLatch(1);
			List<Future<List<String>>> runs = new ArrayList<>();
			for (CredentialCache cache : caches) {
				runs.add(replicas.submit(() -> {
					go.await();
					List<String> tokens = new ArrayList<>();
					for (int round = 0; round < ROUNDS_PER_REPLICA; round++) {
						DbCredential credential = cache.refresh().get(60, TimeUnit.SECONDS);
						tokens.add(credential.secret());
					}
					return tokens;
				}));
			}
			go.countDown();
			Set<String> served = ConcurrentHashMap.newKeySet();
			for (Future<List<String>> run : runs) {
				served.addAll(run.get(180, TimeUnit.SECONDS));
			}
			assertThat(server.errors("invalid_grant")).as("invalid_grant answers").isZero();
			assertThat(server.tokensIssued("refresh_token") - refreshesBefore).as("rotations")
				.isEqualTo(2 * ROUNDS_PER_REPLICA);
			assertThat(served).hasSize(2 * ROUNDS_PER_REPLICA).isSubsetOf(accessTokens);
		}
		finally {
			caches.forEach(CredentialCache::close);
			replicas.shutdownNow();
		}
		List<String> issued = server.refreshTokensIssued();
		assertThat(new FileRefreshTokenStore(file, authorized).load()).isEqualTo(issued.get(issued.size() - 1));
		for (String secret : issued) {
			assertThat(output.getAll()).doesNotContain(secret);
		}
		assertThat(output.getAll()).doesNotContain(server.clientSecret());
		for (String secret : accessTokens) {
			assertThat(output.getAll()).doesNotContain(secret);
		}
	}

}
