package io.github.refreshingdatasource.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The managed identity endpoint of Azure App Service and Azure Functions, served by the
 * JDK's HTTP server on 127.0.0.1, as the platform serves it on the instance itself
 * ({@code IDENTITY_ENDPOINT}, a local HTTP URL, and {@code IDENTITY_HEADER}, a secret the
 * caller must echo): {@code GET ?api-version=2019-08-01&resource=<resource>} with header
 * {@code X-IDENTITY-HEADER}, answered with
 * {@code {"access_token", "expires_on" (epoch seconds), "resource", "token_type", "client_id"}}.
 * A request without the right header or API version gets 400, as on the platform.
 * <p>
 * Each token is a fresh random string, handed to a listener before the response is sent,
 * so a test can make it a database password in time. Failures can be injected: the next
 * requests answered with 500, or held until released.
 */
public final class LocalManagedIdentityEndpoint implements AutoCloseable {

	private final HttpServer server;

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private final String identityHeader = ScramPostgres.randomPassword();

	private final Duration lifetime;

	private final IssuedTokenListener listener;

	private final AtomicInteger failuresToInject = new AtomicInteger();

	private final AtomicReference<CountDownLatch> hold = new AtomicReference<>();

	private final AtomicInteger requests = new AtomicInteger();

	private final AtomicInteger tokens = new AtomicInteger();

	private final List<String> issued = new CopyOnWriteArrayList<>();

	private final List<String> resources = new CopyOnWriteArrayList<>();

	private LocalManagedIdentityEndpoint(Duration lifetime, IssuedTokenListener listener) throws IOException {
		this.lifetime = lifetime;
		this.listener = listener;
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.setExecutor(this.executor);
		this.server.createContext("/msi/token", this::handle);
		this.server.start();
	}

	/**
	 * Start an endpoint.
	 * @param lifetime the lifetime of every token, counted in whole seconds as
	 * {@code expires_on} is
	 * @param listener told of each token and its expiry before the caller gets it
	 * @return the running endpoint
	 * @throws IOException when the server cannot listen
	 */
	public static LocalManagedIdentityEndpoint start(Duration lifetime, IssuedTokenListener listener) throws IOException {
		return new LocalManagedIdentityEndpoint(lifetime, listener);
	}

	/**
	 * The environment App Service gives the application.
	 * @return {@code IDENTITY_ENDPOINT} and {@code IDENTITY_HEADER}
	 */
	public Map<String, String> environment() {
		return Map.of("IDENTITY_ENDPOINT", uri().toString(), "IDENTITY_HEADER", this.identityHeader);
	}

	public URI uri() {
		return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort() + "/msi/token");
	}

	public String identityHeader() {
		return this.identityHeader;
	}

	/** Answer the next {@code count} requests with HTTP 500. */
	public void failNext(int count) {
		this.failuresToInject.set(count);
	}

	/**
	 * Hold every request until the returned latch is counted down.
	 * @return the latch
	 */
	public CountDownLatch holdRequests() {
		CountDownLatch latch = new CountDownLatch(1);
		this.hold.set(latch);
		return latch;
	}

	/** Requests received, answered or not. */
	public int requests() {
		return this.requests.get();
	}

	/** Tokens issued. */
	public int tokensIssued() {
		return this.tokens.get();
	}

	public List<String> issued() {
		return List.copyOf(this.issued);
	}

	/** The {@code resource} parameters received. */
	public List<String> resources() {
		return List.copyOf(this.resources);
	}

	private void handle(HttpExchange exchange) throws IOException {
		this.requests.incrementAndGet();
		CountDownLatch latch = this.hold.get();
		if (latch != null) {
			try {
				latch.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		Map<String, String> query = HttpExchanges.form(exchange.getRequestURI().getRawQuery());
		if (!"GET".equals(exchange.getRequestMethod())
				|| !this.identityHeader.equals(exchange.getRequestHeaders().getFirst("X-IDENTITY-HEADER"))
				|| !"2019-08-01".equals(query.get("api-version")) || query.get("resource") == null) {
			HttpExchanges.respond(exchange, 400, "{\"statusCode\":400,\"message\":\"Bad request\"}");
			return;
		}
		this.resources.add(query.get("resource"));
		if (this.failuresToInject.getAndUpdate((count) -> Math.max(0, count - 1)) > 0) {
			HttpExchanges.respond(exchange, 500, "{\"statusCode\":500,\"message\":\"Internal error\"}");
			return;
		}
		String token = "mi-" + ScramPostgres.randomPassword() + ScramPostgres.randomPassword();
		Instant expiresOn = Instant.ofEpochSecond(Instant.now().plus(this.lifetime).getEpochSecond());
		this.issued.add(token);
		this.listener.issued(token, expiresOn);
		this.tokens.incrementAndGet();
		HttpExchanges.respond(exchange, 200, "{\"access_token\":\"" + token + "\",\"expires_on\":\"" + expiresOn.getEpochSecond()
				+ "\",\"resource\":\"" + query.get("resource") + "\",\"token_type\":\"Bearer\",\"client_id\":\"local\"}");
	}

	@Override
	public void close() {
		CountDownLatch latch = this.hold.get();
		if (latch != null) {
			latch.countDown();
		}
		this.server.stop(0);
		this.executor.shutdownNow();
	}

	/** Told of each token before the caller receives it. */
	@FunctionalInterface
	public interface IssuedTokenListener {

		void issued(String token, Instant expiresOn);

	}

}
