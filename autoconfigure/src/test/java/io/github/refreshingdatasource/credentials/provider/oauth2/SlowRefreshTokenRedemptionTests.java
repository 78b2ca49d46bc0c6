package io.github.refreshingdatasource.credentials.provider.oauth2;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.awaitility.Awaitility.await;

/**
 * A token endpoint with single-use refresh tokens that answers a redemption only after the
 * client's timeout: the rotated token must still be kept, and the next redemption must send
 * it, not the spent one (which the server would refuse with {@code invalid_grant}).
 */
class SlowRefreshTokenRedemptionTests {

	private static final Duration TIMEOUT = Duration.ofMillis(400);

	private final Set<String> valid = ConcurrentHashMap.newKeySet();

	private final List<String> redeemed = new CopyOnWriteArrayList<>();

	private final AtomicInteger invalidGrants = new AtomicInteger();

	private final AtomicInteger issued = new AtomicInteger();

	private final CountDownLatch releaseFirst = new CountDownLatch(1);

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private HttpServer server;

	@BeforeEach
	void startServer() throws IOException {
		this.valid.add("rt-0");
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.setExecutor(this.executor);
		this.server.createContext("/token", this::handle);
		this.server.start();
	}

	@AfterEach
	void stopServer() {
		this.releaseFirst.countDown();
		this.server.stop(0);
		this.executor.shutdownNow();
	}

	private void handle(HttpExchange exchange) throws IOException {
		String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
		String token = null;
		for (String pair : form.split("&")) {
			String[] parts = pair.split("=", 2);
			if (parts[0].equals("refresh_token")) {
				token = URLDecoder.decode(parts[1], StandardCharsets.UTF_8);
			}
		}
		this.redeemed.add(String.valueOf(token));
		if (token == null || !this.valid.remove(token)) {
			this.invalidGrants.incrementAndGet();
			respond(exchange, 400, "{\"error\":\"invalid_grant\"}");
			return;
		}
		// Spent now, as on a real server: the rotated token is the only valid one.
		int n = this.issued.incrementAndGet();
		this.valid.add("rt-" + n);
		if (n == 1) {
			try {
				// Slower than the client's timeout: released by the test once the client gave up.
				this.releaseFirst.await(20, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		respond(exchange, 200,
				"{\"access_token\":\"access-" + n + "\",\"expires_in\":300,\"refresh_token\":\"rt-" + n + "\"}");
	}

	private static void respond(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().add("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	@Test
	void lateAnswerRotatesTheChainAndTheNextRedemptionUsesIt() throws Exception {
		URI tokenUri = URI.create("http://127.0.0.1:" + this.server.getAddress().getPort() + "/token");
		OAuth2Client client = new OAuth2Client(tokenUri, "db client", "client-secret-1",
				ClientAuthentication.CLIENT_SECRET_BASIC, GrantType.REFRESH_TOKEN, List.of(), Map.of());
		RefreshTokenStore store = RefreshTokenStore.inMemory("rt-0");
		OAuth2TokenSource source = new OAuth2TokenSource(client, store, TIMEOUT);
		OAuth2CredentialProvider provider = source.newProvider();

		assertThatIOException().isThrownBy(provider::fetch).withMessageContaining("did not answer within");
		// The abandoned redemption may still rotate the chain: the spent token is not sent again.
		assertThatIOException().isThrownBy(provider::fetch).withMessageContaining("still waiting for its answer");
		assertThat(this.redeemed).containsExactly("rt-0");

		this.releaseFirst.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> "rt-1".equals(store.load()));
		assertThat(provider.fetch().secret()).isEqualTo("access-2");
		assertThat(this.redeemed).containsExactly("rt-0", "rt-1");
		assertThat(this.invalidGrants).hasValue(0);
		assertThat(store.load()).isEqualTo("rt-2");
		source.close();
	}

}
