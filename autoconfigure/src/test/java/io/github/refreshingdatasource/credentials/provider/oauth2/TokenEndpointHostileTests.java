package io.github.refreshingdatasource.credentials.provider.oauth2;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.refreshingdatasource.credentials.DbCredential;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A token endpoint that never stops answering: its body streams without end, fast or one
 * byte at a time. The JDK HTTP server on 127.0.0.1 counts the handlers still writing; a
 * handler ends only when its write fails, that is when the client has closed the
 * connection. So "streaming" dropping to zero proves the exchange was really ended, not
 * only abandoned.
 */
class TokenEndpointHostileTests {

	private HttpServer server;

	private final AtomicInteger requests = new AtomicInteger();

	private final AtomicInteger streaming = new AtomicInteger();

	private final AtomicInteger mostStreaming = new AtomicInteger();

	private volatile long pauseMillis;

	@BeforeEach
	void startServer() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.setExecutor(Executors.newCachedThreadPool());
		this.server.createContext("/token", this::endless);
		this.server.start();
	}

	@AfterEach
	void stopServer() {
		this.server.stop(0);
	}

	private void endless(HttpExchange exchange) throws IOException {
		exchange.getRequestBody().readAllBytes();
		this.requests.incrementAndGet();
		this.mostStreaming.accumulateAndGet(this.streaming.incrementAndGet(), Math::max);
		try {
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, 0);
			OutputStream out = exchange.getResponseBody();
			byte[] chunk = new byte[(this.pauseMillis > 0) ? 1 : 8192];
			Arrays.fill(chunk, (byte) ' ');
			out.write("{\"access_token\":\"".getBytes(StandardCharsets.UTF_8));
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
			while (System.nanoTime() < deadline) {
				out.write(chunk);
				out.flush();
				if (this.pauseMillis > 0) {
					Thread.sleep(this.pauseMillis);
				}
			}
		}
		catch (IOException | InterruptedException ex) {
			// The client closed the connection: what the tests wait for.
		}
		finally {
			this.streaming.decrementAndGet();
			exchange.close();
		}
	}

	private OAuth2TokenSource source(Duration timeout) {
		URI uri = URI.create("http://127.0.0.1:" + this.server.getAddress().getPort() + "/token");
		return new OAuth2TokenSource(new OAuth2Client(uri, "db", "secret", ClientAuthentication.CLIENT_SECRET_BASIC,
				GrantType.CLIENT_CREDENTIALS, List.of(), Map.of()), null, timeout);
	}

	@Test
	void aBodyLargerThan64KiBIsNotReadOnAndItsConnectionIsClosed() {
		OAuth2TokenSource source = source(Duration.ofSeconds(30));
		long started = System.nanoTime();
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> source.newProvider().fetch())
			.withMessageEndingWith("answered with more than 65536 bytes; the rest of the answer is not read");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(20));
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(this.streaming).hasValue(0));
	}

	@Test
	void aBodyThatTricklesForeverIsEndedAtTheTimeoutAndItsConnectionClosed() {
		this.pauseMillis = 20;
		OAuth2TokenSource source = source(Duration.ofMillis(500));
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> source.newProvider().fetch())
			.withMessageEndingWith("did not answer within PT0.5S");
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(this.streaming).hasValue(0));
		assertThat(this.requests).hasValue(1);
	}

	@Test
	void callersThatGiveUpLeaveAtMostOneExchangeAndCloseEndsIt() throws Exception {
		this.pauseMillis = 20;
		OAuth2TokenSource source = source(Duration.ofSeconds(60));
		OAuth2CredentialProvider provider = source.newProvider();
		for (int i = 0; i < 5; i++) {
			Caller caller = new Caller(provider);
			// Each caller really joins the exchange before it gives up; one that gave up
			// before calling would prove nothing.
			await().atMost(Duration.ofSeconds(20)).until(caller::waitsForTheExchange);
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(this.requests).hasValue(1));
			caller.giveUp();
		}
		Caller waiting = new Caller(provider);
		// Closed only once the waiter has joined the exchange: a caller arriving after close()
		// rightly starts a new one (the source stays usable), which is not what this proves.
		await().atMost(Duration.ofSeconds(20)).until(waiting::waitsForTheExchange);
		// The server counts a request before it starts streaming its answer.
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(this.streaming).hasValue(1));
		source.close();
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(this.streaming).hasValue(0));
		assertThat(waiting.outcome).failsWithin(Duration.ofSeconds(20))
			.withThrowableThat()
			.havingRootCause()
			.isInstanceOf(IOException.class)
			.withMessageEndingWith("was cancelled");
		assertThat(this.requests).hasValue(1);
		assertThat(this.mostStreaming).hasValue(1);
	}

	@Test
	void closingTheLastCacheOfASourceEndsItsExchange() throws Exception {
		this.pauseMillis = 20;
		OAuth2TokenSource source = source(Duration.ofSeconds(60));
		OAuth2CredentialProvider first = source.newProvider();
		OAuth2CredentialProvider second = source.newProvider();
		AutoCloseable firstWatch = first.watch(() -> {
		});
		AutoCloseable secondWatch = second.watch(() -> {
		});
		ExecutorService caller = Executors.newSingleThreadExecutor();
		try {
			Future<?> call = caller.submit(first::fetch);
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(this.streaming).hasValue(1));
			firstWatch.close();
			firstWatch.close();
			assertThat(call).isNotDone();
			secondWatch.close();
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(this.streaming).hasValue(0));
			assertThat(call).failsWithin(Duration.ofSeconds(20));
		}
		finally {
			caller.shutdownNow();
		}
	}

	/** A caller of {@code fetch()} on a thread of its own, which the test can watch and interrupt. */
	private static final class Caller {

		final CompletableFuture<DbCredential> outcome = new CompletableFuture<>();

		private final Thread thread;

		Caller(OAuth2CredentialProvider provider) {
			this.thread = new Thread(() -> {
				try {
					this.outcome.complete(provider.fetch());
				}
				catch (Throwable ex) {
					this.outcome.completeExceptionally(ex);
				}
			}, "token-caller");
			this.thread.setDaemon(true);
			this.thread.start();
		}

		/**
		 * Whether the caller is parked waiting for a future inside the token source, that is
		 * for the exchange in flight (not for the source's lock, nor before calling it).
		 */
		boolean waitsForTheExchange() {
			Thread.State state = this.thread.getState();
			if (state != Thread.State.WAITING && state != Thread.State.TIMED_WAITING) {
				return false;
			}
			boolean inFuture = false;
			for (StackTraceElement frame : this.thread.getStackTrace()) {
				if (frame.getClassName().equals(CompletableFuture.class.getName())) {
					inFuture = true;
				}
				else if (inFuture && frame.getClassName().equals(OAuth2TokenSource.class.getName())) {
					return true;
				}
			}
			return false;
		}

		/**
		 * What the cache does at its fetch timeout, and again on every retry: interrupt the
		 * caller, which then leaves the source (its lock released).
		 */
		void giveUp() throws InterruptedException {
			this.thread.interrupt();
			this.thread.join(Duration.ofSeconds(20).toMillis());
			assertThat(this.thread.isAlive()).as("caller still in the source after its interrupt").isFalse();
			assertThat(this.outcome).isCompletedExceptionally();
		}

	}

}
