package io.github.refreshingdatasource.credentials.provider.oauth2;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.credentials.NonRetryableCredentialException;
import io.github.refreshingdatasource.credentials.RefreshMode;
import io.github.refreshingdatasource.credentials.RefreshSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link OAuth2TokenSource} against a token endpoint served by the JDK's HTTP
 * server on 127.0.0.1, answering each request with the next scripted response: the
 * failure modes a real server shows only by accident (5xx, malformed JSON, no
 * {@code expires_in}, no answer) are produced on purpose. The end-to-end path against a
 * real authorization server is in {@code OAuth2ProviderIntegrationTests}.
 */
@ExtendWith(OutputCaptureExtension.class)
class OAuth2TokenSourceTests {

	private static final String SECRET = "s3cr+t/with:odd&chars";

	private static final String REFRESH_TOKEN = "rt-0-f5c4e0d1b2a3";

	private HttpServer server;

	private final BlockingQueue<Answer> answers = new LinkedBlockingQueue<>();

	private final List<Request> requests = new CopyOnWriteArrayList<>();

	@TempDir
	Path tempDir;

	@BeforeEach
	void startServer() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.setExecutor(Executors.newCachedThreadPool());
		this.server.createContext("/token", this::handle);
		this.server.start();
	}

	@AfterEach
	void stopServer(CapturedOutput output) {
		this.server.stop(0);
		assertThat(output.getAll()).doesNotContain(SECRET).doesNotContain(REFRESH_TOKEN).doesNotContain("access-");
	}

	private void handle(HttpExchange exchange) throws IOException {
		String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
		this.requests.add(new Request(exchange.getRequestHeaders().getFirst("Authorization"), form(body)));
		Answer answer = this.answers.poll();
		if (answer == null) {
			answer = new Answer(500, "{}", null);
		}
		if (answer.release != null) {
			try {
				answer.release.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		byte[] bytes = answer.body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().add("Content-Type", "application/json");
		exchange.sendResponseHeaders(answer.status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	private URI tokenUri() {
		return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort() + "/token");
	}

	private OAuth2Client client(ClientAuthentication authentication, GrantType grantType) {
		return new OAuth2Client(tokenUri(), "db client", SECRET, authentication, grantType, List.of("db", "read"),
				Map.of("audience", "postgres"));
	}

	private OAuth2TokenSource clientCredentials(ClientAuthentication authentication) {
		return new OAuth2TokenSource(client(authentication, GrantType.CLIENT_CREDENTIALS), null, Duration.ofSeconds(5));
	}

	private void answer(int status, String body) {
		this.answers.add(new Answer(status, body, null));
	}

	private static String token(String accessToken, long expiresIn) {
		return "{\"access_token\":\"" + accessToken + "\",\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn + "}";
	}

	@Test
	void clientSecretBasicSendsFormEncodedCredentialsInTheHeader() throws Exception {
		answer(200, token("access-1", 300));
		DbCredential credential = clientCredentials(ClientAuthentication.CLIENT_SECRET_BASIC).newProvider().fetch();
		assertThat(credential.secret()).isEqualTo("access-1");
		assertThat(credential.username()).isNull();
		assertThat(credential.expiresAt()).isBetween(java.time.Instant.now().plusSeconds(295),
				java.time.Instant.now().plusSeconds(300));
		Request request = this.requests.get(0);
		String expected = "Basic " + Base64.getEncoder()
			.encodeToString("db+client:s3cr%2Bt%2Fwith%3Aodd%26chars".getBytes(StandardCharsets.UTF_8));
		assertThat(request.authorization).isEqualTo(expected);
		assertThat(request.form).containsEntry("grant_type", "client_credentials")
			.containsEntry("scope", "db read")
			.containsEntry("audience", "postgres")
			.doesNotContainKeys("client_id", "client_secret");
	}

	@Test
	void clientSecretPostSendsCredentialsInTheBody() throws Exception {
		answer(200, token("access-1", 300));
		clientCredentials(ClientAuthentication.CLIENT_SECRET_POST).newProvider().fetch();
		Request request = this.requests.get(0);
		assertThat(request.authorization).isNull();
		assertThat(request.form).containsEntry("client_id", "db client").containsEntry("client_secret", SECRET);
	}

	@Test
	void serverErrorsAndMalformedAnswersAreRetryableAndQuoteNothing() throws Exception {
		OAuth2CredentialProvider provider = clientCredentials(ClientAuthentication.CLIENT_SECRET_BASIC).newProvider();
		answer(503, "<html>upstream " + SECRET + " down</html>");
		assertThatExceptionOfType(IOException.class).isThrownBy(provider::fetch)
			.withMessage("Token endpoint " + tokenUri() + " answered HTTP 503");
		answer(200, "{\"access_token\":\"access-1\", \"expires_in\": ");
		assertThatExceptionOfType(IOException.class).isThrownBy(provider::fetch)
			.withMessage("Token endpoint " + tokenUri() + " answered HTTP 200 without a JSON object");
		answer(200, "{\"access_token\":\"access-1\",\"token_type\":\"Bearer\",\"expires_in\":\"soon\"}");
		assertThatExceptionOfType(IOException.class).isThrownBy(provider::fetch)
			.withMessageContaining("without a positive 'expires_in'")
			.withMessageNotContaining("access-1");
		answer(429, "{\"error\":\"slow_down\"}");
		assertThatExceptionOfType(IOException.class).isThrownBy(provider::fetch)
			.withMessage("Token endpoint " + tokenUri() + " answered HTTP 429 (slow_down)");
	}

	@Test
	void aRotatedRefreshTokenIsKeptEvenWhenTheRestOfTheAnswerIsRejected() throws Exception {
		RefreshTokenStore store = RefreshTokenStore.inMemory(REFRESH_TOKEN);
		OAuth2TokenSource source = new OAuth2TokenSource(
				client(ClientAuthentication.CLIENT_SECRET_BASIC, GrantType.REFRESH_TOKEN), store, Duration.ofSeconds(5));
		answer(200, "{\"refresh_token\":\"rt-1\",\"expires_in\":-1}");
		answer(200, "{\"access_token\":\"access-2\",\"expires_in\":300,\"refresh_token\":\"rt-2\"}");
		OAuth2CredentialProvider provider = source.newProvider();
		assertThatExceptionOfType(IOException.class).isThrownBy(provider::fetch)
			.withMessageContaining("answered without 'access_token'");
		assertThat(store.load()).isEqualTo("rt-1");
		assertThat(provider.fetch().secret()).isEqualTo("access-2");
		assertThat(this.requests).extracting((request) -> request.form.get("refresh_token"))
			.containsExactly(REFRESH_TOKEN, "rt-1");
	}

	@Test
	void withoutExpiresInTheRotatedRefreshTokenIsKeptAndTheExpiryIsUnknown(CapturedOutput output) throws Exception {
		RefreshTokenStore store = RefreshTokenStore.inMemory(REFRESH_TOKEN);
		OAuth2TokenSource source = new OAuth2TokenSource(
				client(ClientAuthentication.CLIENT_SECRET_BASIC, GrantType.REFRESH_TOKEN), store, Duration.ofSeconds(5));
		// RFC 6749 section 5.1 only recommends expires_in.
		answer(200, "{\"access_token\":\"access-1\",\"refresh_token\":\"rt-1\"}");
		answer(200, "{\"access_token\":\"access-2\",\"refresh_token\":\"rt-2\"}");
		OAuth2CredentialProvider provider = source.newProvider();
		DbCredential first = provider.fetch();
		assertThat(first.secret()).isEqualTo("access-1");
		// The cache fetches a credential without a stated expiry again after refresh.default-lifetime.
		assertThat(first.expiresAt()).isNull();
		assertThat(provider.fetch().secret()).isEqualTo("access-2");
		assertThat(this.requests).extracting((request) -> request.form.get("refresh_token"))
			.containsExactly(REFRESH_TOKEN, "rt-1");
		assertThat(store.load()).isEqualTo("rt-2");
		assertThat(output.getAll().split("answers without 'expires_in'", -1)).as("one WARN").hasSize(2);
		assertThat(output.getAll()).contains("refreshing.datasource.refresh.default-lifetime");
	}

	@Test
	void withoutExpiresInAJwtAccessTokenExpiresAtItsOwnExp(CapturedOutput output) throws Exception {
		java.time.Instant exp = java.time.Instant.now().plusSeconds(600).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
		String payload = Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(("{\"sub\":\"db\",\"exp\":" + exp.getEpochSecond() + "}").getBytes(StandardCharsets.UTF_8));
		String jwt = "eyJhbGciOiJSUzI1NiJ9." + payload + ".c2lnbmF0dXJl";
		answer(200, "{\"access_token\":\"" + jwt + "\",\"token_type\":\"Bearer\"}");
		DbCredential credential = clientCredentials(ClientAuthentication.CLIENT_SECRET_BASIC).newProvider().fetch();
		assertThat(credential.expiresAt()).isEqualTo(exp);
		assertThat(output.getAll()).contains("taken from the access token's own 'exp' claim").doesNotContain(payload);
	}

	@Test
	void aHugeExpiresInIsClampedInsteadOfWrapping() throws Exception {
		OAuth2CredentialProvider provider = clientCredentials(ClientAuthentication.CLIENT_SECRET_BASIC).newProvider();
		// 18446744073709552 s is 2^64 ms: the product overflows a long to 0.38 s.
		answer(200, token("access-1", 18446744073709552L));
		answer(200, "{\"access_token\":\"access-2\",\"expires_in\":1e30}");
		java.time.Instant before = java.time.Instant.now();
		assertThat(provider.fetch().expiresAt()).isAfter(before.plus(Duration.ofDays(365)));
		assertThat(provider.fetch().expiresAt()).isAfter(before.plus(Duration.ofDays(365)));
	}

	@Test
	void errorCodesAreSanitizedBeforeTheyReachAMessage() {
		answer(401, "{\"error\":\"invalid_client\\n2026-12-02 INFO forged line " + SECRET + "\\u2028more\\u202e\"}");
		answer(503, "{\"error\":\"down\\r\\nWARN forged\"}");
		OAuth2CredentialProvider provider = clientCredentials(ClientAuthentication.CLIENT_SECRET_BASIC).newProvider();
		assertThatExceptionOfType(OAuth2ErrorException.class).isThrownBy(provider::fetch)
			.satisfies((ex) -> assertThat(ex.getError()).doesNotContain("\n").doesNotContain(SECRET))
			.withMessageContaining("invalid_client 2026-12-02 INFO forged line [redacted] more")
			.withMessageNotContaining("\n")
			.withMessageNotContaining("\u2028")
			.withMessageNotContaining("\u202e");
		assertThatExceptionOfType(IOException.class).isThrownBy(provider::fetch)
			.withMessage("Token endpoint " + tokenUri() + " answered HTTP 503 (down  WARN forged)");
	}

	@Test
	void cacheRetriesEndpointFailuresPerTheRetrySettings() throws Exception {
		answer(502, "");
		answer(200, "not json");
		answer(200, token("access-3", 300));
		RefreshSettings settings = new RefreshSettings(Duration.ofMinutes(4), Duration.ZERO, Duration.ofSeconds(5),
				Duration.ofMinutes(15), Duration.ofSeconds(1),
				new RefreshSettings.Retry(3, Duration.ofMillis(20), 2.0, Duration.ofMillis(100)),
				RefreshSettings.Lockout.defaults(), RefreshMode.BACKGROUND, Duration.ZERO);
		try (CredentialCache cache = new CredentialCache("dataSource", "oauth2",
				clientCredentials(ClientAuthentication.CLIENT_SECRET_BASIC).newProvider(), "app", settings)) {
			DbCredential credential = cache.refresh().get(10, TimeUnit.SECONDS);
			assertThat(credential.secret()).isEqualTo("access-3");
		}
		assertThat(this.requests).hasSize(3);
	}

	@Test
	void endpointThatDoesNotAnswerTimesOut() {
		CountDownLatch release = new CountDownLatch(1);
		this.answers.add(new Answer(200, token("access-1", 300), release));
		OAuth2TokenSource source = new OAuth2TokenSource(client(ClientAuthentication.CLIENT_SECRET_BASIC,
				GrantType.CLIENT_CREDENTIALS), null, Duration.ofMillis(300));
		long started = System.nanoTime();
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> source.newProvider().fetch())
			.withMessage("Token endpoint " + tokenUri() + " did not answer within PT0.3S");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
		release.countDown();
	}

	@Test
	void rotatedRefreshTokenIsUsedNextAndStored() throws Exception {
		RefreshTokenStore store = RefreshTokenStore.inMemory(REFRESH_TOKEN);
		OAuth2TokenSource source = new OAuth2TokenSource(
				client(ClientAuthentication.CLIENT_SECRET_BASIC, GrantType.REFRESH_TOKEN), store, Duration.ofSeconds(5));
		answer(200, "{\"access_token\":\"access-1\",\"expires_in\":300,\"refresh_token\":\"rt-1\"}");
		answer(200, "{\"access_token\":\"access-2\",\"expires_in\":300,\"refresh_token\":\"rt-2\"}");
		OAuth2CredentialProvider provider = source.newProvider();
		assertThat(provider.fetch().secret()).isEqualTo("access-1");
		assertThat(provider.fetch().secret()).isEqualTo("access-2");
		assertThat(this.requests).extracting((request) -> request.form.get("refresh_token"))
			.containsExactly(REFRESH_TOKEN, "rt-1");
		assertThat(store.load()).isEqualTo("rt-2");
	}

	@Test
	void invalidGrantIsNotRetriedAndTheRefusedTokenIsNotSentAgain() throws Exception {
		OAuth2TokenSource source = new OAuth2TokenSource(
				client(ClientAuthentication.CLIENT_SECRET_BASIC, GrantType.REFRESH_TOKEN),
				RefreshTokenStore.inMemory(REFRESH_TOKEN), Duration.ofSeconds(5));
		// Some servers echo the token they refuse: it must not reach the message.
		answer(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Token " + REFRESH_TOKEN + " was reused\"}");
		OAuth2CredentialProvider provider = source.newProvider();
		assertThatExceptionOfType(OAuth2ErrorException.class).isThrownBy(provider::fetch)
			.isInstanceOf(NonRetryableCredentialException.class)
			.satisfies((ex) -> assertThat(ex.isInvalidGrant()).isTrue())
			.withMessageContaining("refused the refresh token (invalid_grant: Token [redacted] was reused)")
			.withMessageContaining("revoked, already used, or has expired. Re-authorize");
		assertThatExceptionOfType(OAuth2ErrorException.class).isThrownBy(provider::fetch)
			.withMessageContaining("The refused refresh token is not sent again");
		assertThat(this.requests).hasSize(1);
	}

	@Test
	void invalidClientIsNotRetried() {
		answer(401, "{\"error\":\"invalid_client\"}");
		assertThatExceptionOfType(OAuth2ErrorException.class)
			.isThrownBy(() -> clientCredentials(ClientAuthentication.CLIENT_SECRET_BASIC).newProvider().fetch())
			.withMessageContaining("refused the request for client 'db client' (HTTP 401, invalid_client)")
			.withMessageNotContaining(SECRET);
	}

	@Test
	void aYoungTokenIsSharedWithAnotherDataSourceButNeverServedTwiceToTheSameOne() throws Exception {
		OAuth2TokenSource source = clientCredentials(ClientAuthentication.CLIENT_SECRET_BASIC);
		answer(200, token("access-1", 300));
		answer(200, token("access-2", 300));
		OAuth2CredentialProvider first = source.newProvider();
		OAuth2CredentialProvider second = source.newProvider();
		assertThat(first.fetch().secret()).isEqualTo("access-1");
		assertThat(second.fetch().secret()).isEqualTo("access-1");
		assertThat(this.requests).hasSize(1);
		assertThat(first.fetch().secret()).isEqualTo("access-2");
		assertThat(this.requests).hasSize(2);
	}

	@Test
	void anExchangeTheCallerGaveUpOnStillKeepsTheRotatedRefreshToken() throws Exception {
		RefreshTokenStore store = RefreshTokenStore.inMemory(REFRESH_TOKEN);
		OAuth2TokenSource source = new OAuth2TokenSource(
				client(ClientAuthentication.CLIENT_SECRET_BASIC, GrantType.REFRESH_TOKEN), store, Duration.ofSeconds(5));
		CountDownLatch release = new CountDownLatch(1);
		this.answers.add(new Answer(200, "{\"access_token\":\"access-1\",\"expires_in\":300,\"refresh_token\":\"rt-1\"}",
				release));
		OAuth2CredentialProvider provider = source.newProvider();
		ExecutorService caller = Executors.newSingleThreadExecutor();
		Future<DbCredential> abandoned = caller.submit(provider::fetch);
		org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> this.requests.size() == 1);
		// What the cache does at its fetch timeout.
		abandoned.cancel(true);
		caller.shutdown();
		assertThat(caller.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
		release.countDown();
		assertThat(provider.fetch().secret()).isEqualTo("access-1");
		assertThat(this.requests).hasSize(1);
		assertThat(store.load()).isEqualTo("rt-1");
	}

	@Test
	void fileStoreWritesOwnerOnlyAndPrefersANewlyConfiguredToken() throws Exception {
		Path file = this.tempDir.resolve("rt.json");
		FileRefreshTokenStore store = new FileRefreshTokenStore(file, REFRESH_TOKEN);
		assertThat(store.load()).isEqualTo(REFRESH_TOKEN);
		store.save("rt-1");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
		assertThat(Files.list(this.tempDir)).containsExactly(file);
		// A restart with the same configuration continues the chain from the file.
		assertThat(new FileRefreshTokenStore(file, REFRESH_TOKEN).load()).isEqualTo("rt-1");
		assertThat(new FileRefreshTokenStore(file, null).load()).isEqualTo("rt-1");
		// A re-authorized, newly configured token starts a new chain.
		assertThat(new FileRefreshTokenStore(file, "rt-new").load()).isEqualTo("rt-new");
		assertThat(store.toString()).doesNotContain("rt-1");
	}

	@Test
	void toStringsHoldNoSecret() {
		OAuth2TokenSource source = new OAuth2TokenSource(
				client(ClientAuthentication.CLIENT_SECRET_POST, GrantType.REFRESH_TOKEN),
				RefreshTokenStore.inMemory(REFRESH_TOKEN), Duration.ofSeconds(5));
		assertThat(source.toString()).contains("db client").doesNotContain(SECRET).doesNotContain(REFRESH_TOKEN);
		assertThat(source.newProvider().toString()).doesNotContain(SECRET).doesNotContain(REFRESH_TOKEN);
		assertThat(source.getClient().toString()).doesNotContain(SECRET);
	}

	private static Map<String, String> form(String body) {
		Map<String, String> form = new LinkedHashMap<>();
		if (body.isEmpty()) {
			return form;
		}
		for (String pair : body.split("&")) {
			int equals = pair.indexOf('=');
			form.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
					URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
		}
		return form;
	}

	private record Answer(int status, String body, CountDownLatch release) {
	}

	private record Request(String authorization, Map<String, String> form) {
	}

}
