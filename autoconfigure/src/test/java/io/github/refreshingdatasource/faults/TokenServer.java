package io.github.refreshingdatasource.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.refreshingdatasource.testsupport.ScramPostgres;
import org.jspecify.annotations.Nullable;

/**
 * A token endpoint on 127.0.0.1 that issues short-lived database tokens, the way a cloud
 * IAM service does, and misbehaves on command.
 * <p>
 * Healthy, each request issues a new random token, makes it the role's password in
 * PostgreSQL, valid until its stated expiry plus {@link #VALIDITY_MARGIN}, and answers
 * {@code {"access_token": ..., "token_type": "Bearer", "expires_in": seconds}}. A
 * {@link Fault} leaves the role's password alone, so the last token issued stays valid
 * until it expires, as it would with a real identity service.
 */
final class TokenServer implements AutoCloseable {

	/**
	 * How long PostgreSQL accepts a token after its stated expiry. Real token services
	 * accept a token a little past {@code expires_in}; here it also keeps the boundary
	 * millisecond between the client computing the expiry and the server setting it out of
	 * the measurements.
	 */
	static final Duration VALIDITY_MARGIN = Duration.ofSeconds(1);

	/** The longest a {@link Fault#TIMEOUT} request is held before it is answered anyway. */
	private static final Duration LONGEST_HANG = Duration.ofSeconds(60);

	enum Fault {

		/** Answers HTTP 500. */
		HTTP_500,

		/** Holds the request until the fault ends (or the server closes). */
		TIMEOUT,

		/** Answers 200 with a body that is cut off in the middle of the JSON. */
		MALFORMED_JSON,

		/**
		 * Answers 200 with one stale token that expired 30 s ago, again and again; PostgreSQL
		 * does not accept it.
		 */
		EXPIRED_TOKEN

	}

	private final ScramPostgres postgres;

	private final String role;

	private final Duration lifetime;

	private final HttpServer server;

	private final ExecutorService executor = Executors.newCachedThreadPool((runnable) -> {
		Thread thread = new Thread(runnable, "token-server");
		thread.setDaemon(true);
		return thread;
	});

	private final String staleToken = ScramPostgres.randomPassword();

	private final Set<String> secrets = ConcurrentHashMap.newKeySet();

	private final AtomicInteger requests = new AtomicInteger();

	private final AtomicInteger issued = new AtomicInteger();

	private volatile @Nullable Fault fault;

	private volatile @Nullable Duration statedLifetime;

	private volatile boolean reuseTokens;

	private @Nullable Issued last;

	private volatile CountDownLatch healed = new CountDownLatch(0);

	/**
	 * Start a healthy endpoint.
	 * @param postgres the server whose role gets each token as its password
	 * @param role the role
	 * @param lifetime the lifetime of each token, whole seconds
	 */
	TokenServer(ScramPostgres postgres, String role, Duration lifetime) throws IOException {
		this.postgres = postgres;
		this.role = role;
		this.lifetime = lifetime;
		this.secrets.add(this.staleToken);
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.createContext("/token", this::handle);
		this.server.setExecutor(this.executor);
		this.server.start();
	}

	URI uri() {
		return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort() + "/token");
	}

	String role() {
		return this.role;
	}

	Duration lifetime() {
		return this.lifetime;
	}

	/** Requests answered or held so far, whatever the outcome. */
	int requests() {
		return this.requests.get();
	}

	/** Tokens issued so far. */
	int issued() {
		return this.issued.get();
	}

	/** Every token this server ever put in a response, whole or cut off. */
	Set<String> secrets() {
		return this.secrets;
	}

	/**
	 * State this lifetime in responses instead of the real one, as an issuer whose clock is
	 * off does; PostgreSQL still accepts each token for the real lifetime.
	 * @param stated the stated lifetime, negative for a token that looks expired
	 */
	void stateLifetime(Duration stated) {
		this.statedLifetime = stated;
	}

	/**
	 * Answer with the last token issued while less than half its lifetime has passed, as
	 * the token caches of cloud SDKs do, rather than issuing a new one each time.
	 */
	void reuseTokens() {
		this.reuseTokens = true;
	}

	void fail(Fault fault) {
		this.healed = new CountDownLatch(1);
		this.fault = fault;
	}

	void heal() {
		this.fault = null;
		this.healed.countDown();
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			this.requests.incrementAndGet();
			Fault current = this.fault;
			if (current == null) {
				issue(exchange);
				return;
			}
			switch (current) {
				case HTTP_500 -> respond(exchange, 500, "{\"error\":\"server_error\"}");
				case TIMEOUT -> {
					awaitHealed();
					respond(exchange, 503, "{\"error\":\"temporarily_unavailable\"}");
				}
				case MALFORMED_JSON -> {
					String token = ScramPostgres.randomPassword();
					this.secrets.add(token);
					respond(exchange, 200, "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expi");
				}
				case EXPIRED_TOKEN -> respond(exchange, 200, body(this.staleToken, -30));
			}
		}
	}

	private void issue(HttpExchange exchange) throws IOException {
		Issued issued = issue();
		Duration stated = this.statedLifetime;
		Duration expiresIn = (stated != null) ? stated : Duration.between(Instant.now(), issued.expiresAt());
		respond(exchange, 200, body(issued.token(), Math.round(expiresIn.toMillis() / 1000.0)));
	}

	private synchronized Issued issue() {
		Instant now = Instant.now();
		Issued last = this.last;
		if (this.reuseTokens && last != null && now.isBefore(last.expiresAt().minus(this.lifetime.dividedBy(2)))) {
			return last;
		}
		String token = ScramPostgres.randomPassword();
		this.secrets.add(token);
		Instant expiresAt = now.plus(this.lifetime);
		this.postgres.setPassword(this.role, token, expiresAt.plus(VALIDITY_MARGIN));
		this.issued.incrementAndGet();
		this.last = new Issued(token, expiresAt);
		return this.last;
	}

	private void awaitHealed() {
		try {
			this.healed.await(LONGEST_HANG.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static String body(String token, long expiresIn) {
		return "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn + "}";
	}

	private static void respond(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	@Override
	public void close() {
		heal();
		this.server.stop(0);
		this.executor.shutdownNow();
	}

	private record Issued(String token, Instant expiresAt) {
	}

}
