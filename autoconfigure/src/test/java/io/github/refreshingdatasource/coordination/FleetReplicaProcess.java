package io.github.refreshingdatasource.coordination;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import io.github.refreshingdatasource.coordination.redis.RedisFleetStore;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.provider.oauth2.ClientAuthentication;
import io.github.refreshingdatasource.credentials.provider.oauth2.GrantType;
import io.github.refreshingdatasource.credentials.provider.oauth2.OAuth2Client;
import io.github.refreshingdatasource.credentials.provider.oauth2.OAuth2TokenSource;
import io.github.refreshingdatasource.credentials.provider.oauth2.RefreshTokenStore;
import io.github.refreshingdatasource.testsupport.LocalAuthorizationServer;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.integration.redis.util.RedisLockRegistry;

/**
 * A replica in a JVM of its own, for the crash tests: it joins the fleet on a Redis, starts
 * a refresh and stops at the moment under test, printing a marker line, until the test
 * kills it (SIGKILL, nothing runs after). Secrets arrive on stdin, never on the command
 * line.
 * <ul>
 * <li>{@code hold-lock}: inside the provider call, so holding the fleet lock.</li>
 * <li>{@code die-after-redeem}: the token endpoint has answered a refresh-token redemption
 * (the sent token is spent), and storing the successor never happens.</li>
 * </ul>
 */
final class FleetReplicaProcess {

	static final String HOLDING = "HOLDING-FLEET-LOCK";

	static final String REDEEMED = "REDEEMED-NOT-STORED";

	private FleetReplicaProcess() {
	}

	public static void main(String[] args) throws Exception {
		String mode = args[0];
		int redisPort = Integer.parseInt(args[1]);
		String prefix = args[2];
		String key = args[3];
		Duration lease = Duration.parse(args[4]);
		LettuceConnectionFactory connections = new LettuceConnectionFactory(
				new RedisStandaloneConfiguration("127.0.0.1", redisPort));
		connections.afterPropertiesSet();
		connections.start();
		FleetCoordinator fleet = new FleetCoordinator(new RedisFleetStore(connections, prefix),
				new RedisLockRegistry(connections, prefix + "locks", lease), lease);
		CredentialProvider own;
		if ("hold-lock".equals(mode)) {
			own = () -> {
				System.out.println(HOLDING);
				System.out.flush();
				new CountDownLatch(1).await();
				throw new IllegalStateException("unreachable");
			};
		}
		else {
			BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
			URI tokenUri = URI.create(stdin.readLine());
			String clientSecret = stdin.readLine();
			String initial = stdin.readLine();
			OAuth2Client client = new OAuth2Client(tokenUri, LocalAuthorizationServer.CLIENT_ID, clientSecret,
					ClientAuthentication.CLIENT_SECRET_BASIC, GrantType.REFRESH_TOKEN,
					List.of(LocalAuthorizationServer.SCOPE), Map.of());
			RefreshTokenStore store = new DyingStore(fleet.refreshTokenStore(key, initial));
			own = new OAuth2TokenSource(client, store, Duration.ofSeconds(20)).newProvider();
		}
		fleet.share("dataSource", key, own, Duration.ofSeconds(20), Duration.ofMinutes(5)).fetch();
	}

	/** Reads and locks through the fleet, and stops where the successor would be stored. */
	private record DyingStore(RefreshTokenStore fleet) implements RefreshTokenStore {

		@Override
		public @Nullable String load() throws IOException {
			return this.fleet.load();
		}

		@Override
		public void save(String refreshToken) {
			System.out.println(REDEEMED);
			System.out.flush();
			try {
				new CountDownLatch(1).await();
			}
			catch (InterruptedException ex) {
				throw new UncheckedIOException(new IOException(ex));
			}
		}

		@Override
		public Lock lock(Duration timeout) throws IOException, InterruptedException {
			return this.fleet.lock(timeout);
		}

	}

}
