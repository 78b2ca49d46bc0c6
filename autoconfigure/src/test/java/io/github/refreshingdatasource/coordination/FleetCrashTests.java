package io.github.refreshingdatasource.coordination;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.refreshingdatasource.coordination.redis.RedisFleetStore;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.credentials.NonRetryableCredentialException;
import io.github.refreshingdatasource.credentials.provider.oauth2.ClientAuthentication;
import io.github.refreshingdatasource.credentials.provider.oauth2.GrantType;
import io.github.refreshingdatasource.credentials.provider.oauth2.OAuth2Client;
import io.github.refreshingdatasource.credentials.provider.oauth2.OAuth2TokenSource;
import io.github.refreshingdatasource.testsupport.LocalAuthorizationServer;
import io.github.refreshingdatasource.testsupport.LocalRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.integration.redis.util.RedisLockRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replicas that die at the worst moment, as separate JVM processes killed with SIGKILL,
 * against a real Redis and the real Spring Authorization Server (single-use refresh
 * tokens): a dead lock holder blocks the fleet at most one lease, and a replica that dies
 * between redeeming a refresh token and storing its successor leaves a broken chain that the
 * next replica reports plainly (with the instruction to re-authorize), once.
 */
@ExtendWith(OutputCaptureExtension.class)
class FleetCrashTests {

	private static final Duration LEASE = Duration.ofSeconds(3);

	private static final AtomicInteger counter = new AtomicInteger();

	private static LocalRedis redis;

	private static LocalAuthorizationServer server;

	private static LettuceConnectionFactory connections;

	private Process child;

	@BeforeAll
	static void start() {
		redis = LocalRedis.start();
		server = LocalAuthorizationServer.start(Duration.ofMinutes(5), (grantType, accessToken, expiresAt) -> {
		});
		connections = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", redis.port()));
		connections.afterPropertiesSet();
		connections.start();
	}

	@AfterAll
	static void stop() {
		connections.destroy();
		server.close();
		redis.close();
	}

	@AfterEach
	void killChild() throws Exception {
		if (this.child != null) {
			this.child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void aKilledLockHolderBlocksTheFleetAtMostOneLease() throws Exception {
		String prefix = "crash-" + counter.incrementAndGet() + ":";
		this.child = replica("hold-lock", prefix, "source");
		awaitLine(this.child, FleetReplicaProcess.HOLDING);
		FleetCoordinator fleet = coordinator(prefix);
		AtomicInteger calls = new AtomicInteger();
		CredentialProvider own = () -> {
			calls.incrementAndGet();
			return DbCredential.of("app", "secret-" + calls.get(), null);
		};
		CredentialProvider shared = fleet.share("dataSource", "source", own, Duration.ofSeconds(20),
				Duration.ofMinutes(5));
		CompletableFuture<DbCredential> waiting = CompletableFuture.supplyAsync(() -> {
			try {
				return shared.fetch();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
		// The live holder keeps the lock: this replica waits (counted) rather than fetching.
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.until(() -> fleet.statisticsOf("dataSource").lockWaits() == 1);
		assertThat(calls).hasValue(0);
		long killedAt = System.nanoTime();
		this.child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		DbCredential credential = waiting.get(20, TimeUnit.SECONDS);
		Duration takeover = Duration.ofNanos(System.nanoTime() - killedAt);
		assertThat(credential.secret()).isEqualTo("secret-1");
		assertThat(calls).hasValue(1);
		assertThat(takeover).as("takeover after the holder was killed").isLessThanOrEqualTo(LEASE.plusSeconds(1));
	}

	@Test
	void aReplicaKilledBetweenRedeemAndStoreLeavesABrokenChainReportedOnce(CapturedOutput output) throws Exception {
		String prefix = "crash-" + counter.incrementAndGet() + ":";
		String initial = server.authorize();
		this.child = replica("die-after-redeem", prefix, "chain");
		try (OutputStream stdin = this.child.getOutputStream()) {
			stdin.write((server.tokenUri() + "\n" + server.clientSecret() + "\n" + initial + "\n")
				.getBytes(StandardCharsets.UTF_8));
		}
		awaitLine(this.child, FleetReplicaProcess.REDEEMED);
		this.child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		int invalidGrantsBefore = server.errors("invalid_grant");
		FleetCoordinator fleet = coordinator(prefix);
		OAuth2Client client = new OAuth2Client(server.tokenUri(), LocalAuthorizationServer.CLIENT_ID,
				server.clientSecret(), ClientAuthentication.CLIENT_SECRET_BASIC, GrantType.REFRESH_TOKEN,
				List.of(LocalAuthorizationServer.SCOPE), Map.of());
		CredentialProvider shared = fleet.share("dataSource", "chain",
				new OAuth2TokenSource(client, fleet.refreshTokenStore("chain", initial), Duration.ofSeconds(20))
					.newProvider(),
				Duration.ofSeconds(20), Duration.ofMinutes(5));
		// The dead replica may have shared its access token before it died: the first fetch may be a shared
		// hit, every redemption after it meets the broken chain.
		List<Exception> failures = new java.util.ArrayList<>();
		for (int attempt = 0; attempt < 3; attempt++) {
			try {
				shared.fetch();
			}
			catch (Exception ex) {
				failures.add(ex);
			}
		}
		assertThat(failures).hasSizeGreaterThanOrEqualTo(2)
			.allSatisfy((failure) -> assertThat(failure).isInstanceOf(NonRetryableCredentialException.class)
				.hasMessageContaining("the shared refresh token chain is broken")
				.hasMessageContaining("Re-authorize"));
		// The spent token is sent once; the refusal is remembered, not retried.
		assertThat(server.errors("invalid_grant") - invalidGrantsBefore).isEqualTo(1);
		assertThat(fleet.brokenChain("dataSource")).contains("Re-authorize");
		assertThat(output.getAll().split("the shared refresh token chain is broken", -1)).as("WARN once").hasSize(2);
		for (String secret : server.refreshTokensIssued()) {
			assertThat(output.getAll()).doesNotContain(secret);
		}
	}

	private static FleetCoordinator coordinator(String prefix) {
		return new FleetCoordinator(new RedisFleetStore(connections, prefix),
				new RedisLockRegistry(connections, prefix + "locks", LEASE), LEASE);
	}

	private static Process replica(String mode, String prefix, String key) throws Exception {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
				FleetReplicaProcess.class.getName(), mode, Integer.toString(redis.port()), prefix, key,
				LEASE.toString())
			.redirectErrorStream(true)
			.start();
	}

	/** Read the child's output until the marker line; the test's own timeout bounds the wait. */
	private static void awaitLine(Process process, String marker) throws Exception {
		CompletableFuture<Boolean> seen = CompletableFuture.supplyAsync(() -> {
			try {
				BufferedReader reader = new BufferedReader(
						new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
				StringBuilder seenSoFar = new StringBuilder();
				for (String line = reader.readLine(); line != null; line = reader.readLine()) {
					if (line.equals(marker)) {
						return true;
					}
					seenSoFar.append(line).append('\n');
				}
				throw new IllegalStateException("The replica process ended before " + marker + ":\n" + seenSoFar);
			}
			catch (java.io.IOException ex) {
				throw new IllegalStateException(ex);
			}
		});
		assertThat(seen.get(60, TimeUnit.SECONDS)).isTrue();
	}

}
