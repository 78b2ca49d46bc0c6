package io.github.refreshingdatasource.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Google's OAuth2 token endpoint and the IAM Service Account Credentials API, served by the
 * JDK's HTTP server on 127.0.0.1 and checked the way Google checks them.
 * <ul>
 * <li>{@code POST /token}, the {@code token_uri} of the service account keys written by
 * {@link #writeServiceAccountKey}: the JWT-bearer grant. The assertion's RS256 signature is
 * verified with the public half of the key, and its issuer, audience (Google's token
 * endpoint, as the library signs it), lifetime and scope are checked; the answer is {@code {"access_token", "expires_in", "token_type"}}, the token
 * living {@link #start(Duration, IssuedTokenListener) lifetime}.</li>
 * <li>{@code POST /v1/projects/-/serviceAccounts/<target>:generateAccessToken}: a bearer
 * token issued here for the {@code cloud-platform} scope, of a principal allowed to create
 * tokens for the first link of {@code delegates} or for the target (and each delegate for
 * the next), gets {@code {"accessToken", "expireTime"}} for the target with the requested
 * scopes and {@code lifetime}.</li>
 * </ul>
 * Each token is a fresh random string handed to a listener, with its principal, scopes and
 * expiry, before the response is sent, so a test can make it a database password in time.
 * Requests that fail a check get 400, 401 or 403 with a reason, as Google answers.
 */
public final class LocalGoogleEndpoints implements AutoCloseable {

	public static final String CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

	private static final String GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token";

	private static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

	private static final String IAM_PREFIX = "/v1/projects/-/serviceAccounts/";

	private static final JsonMapper json = JsonMapper.shared();

	private final HttpServer server;

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private final Duration lifetime;

	private final IssuedTokenListener listener;

	private final Map<String, KeyPair> keys = new ConcurrentHashMap<>();

	/** Target service account to the principals that may create tokens for it. */
	private final Map<String, Set<String>> tokenCreators = new ConcurrentHashMap<>();

	private final Map<String, Issued> issued = new ConcurrentHashMap<>();

	private final List<String> refusals = new CopyOnWriteArrayList<>();

	private final AtomicInteger tokenRequests = new AtomicInteger();

	private final AtomicInteger impersonationRequests = new AtomicInteger();

	private LocalGoogleEndpoints(Duration lifetime, IssuedTokenListener listener) throws IOException {
		this.lifetime = lifetime;
		this.listener = listener;
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.setExecutor(this.executor);
		this.server.createContext("/token", this::handleToken);
		this.server.createContext(IAM_PREFIX, this::handleGenerateAccessToken);
		this.server.start();
	}

	/**
	 * Start the endpoints.
	 * @param lifetime the lifetime of tokens from {@code /token} (whole seconds, as
	 * {@code expires_in} is)
	 * @param listener told of each token before the caller gets it
	 * @return the running endpoints
	 * @throws IOException when the server cannot listen
	 */
	public static LocalGoogleEndpoints start(Duration lifetime, IssuedTokenListener listener) throws IOException {
		return new LocalGoogleEndpoints(lifetime, listener);
	}

	public URI tokenUri() {
		return URI.create(base() + "/token");
	}

	/**
	 * The base URL of the IAM Service Account Credentials API here.
	 * @return {@code http://127.0.0.1:<port>}
	 */
	public String iamCredentialsEndpoint() {
		return base();
	}

	private String base() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	/**
	 * Create a service account with a new RSA key and write its JSON key file, as
	 * {@code gcloud iam service-accounts keys create} does, with {@code token_uri} pointing
	 * here.
	 * @param directory where to write {@code <name>.json}
	 * @param email the service account's email
	 * @return the key file
	 * @throws Exception when the key cannot be made or written
	 */
	public Path writeServiceAccountKey(Path directory, String email) throws Exception {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		KeyPair key = generator.generateKeyPair();
		this.keys.put(email, key);
		String pem = "-----BEGIN PRIVATE KEY-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
					.encodeToString(key.getPrivate().getEncoded())
				+ "\n-----END PRIVATE KEY-----\n";
		Map<String, String> file = Map.of("type", "service_account", "project_id", "local-project", "private_key_id",
				keyId(email), "private_key", pem, "client_email", email, "client_id", "1000" + Math.abs(email.hashCode()),
				"token_uri", tokenUri().toString(), "universe_domain", "googleapis.com");
		return Files.writeString(directory.resolve(email.substring(0, email.indexOf('@')) + ".json"),
				json.writeValueAsString(file));
	}

	/**
	 * Grant {@code roles/iam.serviceAccountTokenCreator} on {@code target} to {@code caller}.
	 * @param caller the principal that may create tokens
	 * @param target the service account it may create them for
	 */
	public void allowTokenCreator(String caller, String target) {
		this.tokenCreators.computeIfAbsent(target, (unused) -> ConcurrentHashMap.newKeySet()).add(caller);
	}

	/** Token requests ({@code /token}) received. */
	public int tokenRequests() {
		return this.tokenRequests.get();
	}

	/** {@code generateAccessToken} requests received. */
	public int impersonationRequests() {
		return this.impersonationRequests.get();
	}

	/**
	 * Every token issued, with its principal and scopes.
	 * @return the tokens in no particular order
	 */
	public List<Issued> issued() {
		return List.copyOf(this.issued.values());
	}

	/** Why requests were refused, in order. */
	public List<String> refusals() {
		return List.copyOf(this.refusals);
	}

	private void handleToken(HttpExchange exchange) throws IOException {
		this.tokenRequests.incrementAndGet();
		Map<String, String> form = HttpExchanges.form(HttpExchanges.body(exchange));
		if (!"POST".equals(exchange.getRequestMethod()) || !JWT_BEARER.equals(form.get("grant_type"))) {
			refuse(exchange, 400, "unsupported_grant_type", "expected a POST of the jwt-bearer grant");
			return;
		}
		JsonNode claims;
		try {
			claims = verifiedClaims(form.get("assertion"));
		}
		catch (IllegalArgumentException | GeneralSecurityException ex) {
			refuse(exchange, 400, "invalid_grant", "Invalid JWT: " + ex.getMessage());
			return;
		}
		List<String> scopes = List.of(claims.get("scope").stringValue().split(" "));
		// The client counts expires_in from when it reads the answer, a little later than this.
		Issued token = issue(claims.get("iss").stringValue(), scopes, Instant.now().plus(this.lifetime));
		HttpExchanges.respond(exchange, 200, "{\"access_token\":\"" + token.token() + "\",\"expires_in\":"
				+ this.lifetime.toSeconds() + ",\"token_type\":\"Bearer\"}");
	}

	/** The claims of a service account's assertion, once its signature and claims are checked. */
	private JsonNode verifiedClaims(String assertion) throws GeneralSecurityException {
		if (assertion == null) {
			throw new IllegalArgumentException("no assertion");
		}
		String[] parts = assertion.split("\\.");
		if (parts.length != 3) {
			throw new IllegalArgumentException("not a signed JWT");
		}
		JsonNode header = json.readTree(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
		JsonNode claims = json.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
		String issuer = text(claims, "iss");
		KeyPair key = this.keys.get(issuer);
		require(key != null, "unknown service account " + issuer);
		require("RS256".equals(text(header, "alg")), "alg is not RS256");
		require(keyId(issuer).equals(text(header, "kid")), "kid is not the key's id");
		require(verify(key.getPublic(), parts[0] + "." + parts[1], Base64.getUrlDecoder().decode(parts[2])),
				"signature does not match the key of " + issuer);
		// The library signs for Google's token endpoint whatever token_uri says, and Google accepts that.
		require(GOOGLE_TOKEN_AUDIENCE.equals(text(claims, "aud")), "aud is not " + GOOGLE_TOKEN_AUDIENCE);
		long now = Instant.now().getEpochSecond();
		long issuedAt = claims.get("iat").asLong();
		long expiresAt = claims.get("exp").asLong();
		require(issuedAt <= now + 60 && expiresAt > now, "assertion is not valid now");
		require(expiresAt - issuedAt <= 3600, "assertion lives longer than an hour");
		require(!text(claims, "scope").isBlank(), "no scope");
		return claims;
	}

	private static boolean verify(PublicKey key, String signed, byte[] signature) throws GeneralSecurityException {
		Signature verifier = Signature.getInstance("SHA256withRSA");
		verifier.initVerify(key);
		verifier.update(signed.getBytes(StandardCharsets.US_ASCII));
		return verifier.verify(signature);
	}

	private void handleGenerateAccessToken(HttpExchange exchange) throws IOException {
		this.impersonationRequests.incrementAndGet();
		String path = exchange.getRequestURI().getPath();
		String body = HttpExchanges.body(exchange);
		if (!"POST".equals(exchange.getRequestMethod()) || !path.endsWith(":generateAccessToken")) {
			refuse(exchange, 404, "NOT_FOUND", "unknown method " + path);
			return;
		}
		String target = path.substring(IAM_PREFIX.length(), path.length() - ":generateAccessToken".length());
		String authorization = exchange.getRequestHeaders().getFirst("Authorization");
		Issued caller = (authorization != null && authorization.startsWith("Bearer "))
				? this.issued.get(authorization.substring("Bearer ".length())) : null;
		if (caller == null || !caller.expiresAt().isAfter(Instant.now())) {
			refuse(exchange, 401, "UNAUTHENTICATED", "no valid bearer token");
			return;
		}
		if (!caller.scopes().contains(CLOUD_PLATFORM_SCOPE)) {
			refuse(exchange, 403, "PERMISSION_DENIED", "the caller's token lacks the cloud-platform scope");
			return;
		}
		JsonNode request = json.readTree(body);
		List<String> chain = new ArrayList<>();
		chain.add(caller.principal());
		for (JsonNode delegate : request.path("delegates")) {
			chain.add(delegate.stringValue().replaceFirst("^projects/-/serviceAccounts/", ""));
		}
		chain.add(target);
		for (int i = 1; i < chain.size(); i++) {
			if (!this.tokenCreators.getOrDefault(chain.get(i), Set.of()).contains(chain.get(i - 1))) {
				refuse(exchange, 403, "PERMISSION_DENIED",
						chain.get(i - 1) + " may not create tokens for " + chain.get(i));
				return;
			}
		}
		List<String> scopes = new ArrayList<>();
		request.path("scope").forEach((scope) -> scopes.add(scope.stringValue()));
		Duration requested = Duration.ofSeconds(Long.parseLong(request.path("lifetime").stringValue().replace("s", "")));
		// expireTime is written in whole seconds: the token expires at the instant the client reads.
		Issued token = issue(target, scopes, Instant.now().plus(requested).truncatedTo(ChronoUnit.SECONDS));
		HttpExchanges.respond(exchange, 200, "{\"accessToken\":\"" + token.token() + "\",\"expireTime\":\""
				+ token.expiresAt() + "\"}");
	}

	private Issued issue(String principal, List<String> scopes, Instant expiresAt) {
		Issued token = new Issued("ya29.local-" + ScramPostgres.randomPassword() + ScramPostgres.randomPassword(),
				principal, List.copyOf(scopes), expiresAt);
		this.listener.issued(token);
		this.issued.put(token.token(), token);
		return token;
	}

	private void refuse(HttpExchange exchange, int status, String error, String description) throws IOException {
		this.refusals.add(description);
		HttpExchanges.respond(exchange, status, "{\"error\":\"" + error + "\",\"error_description\":"
				+ json.writeValueAsString(description) + "}");
	}

	private static String keyId(String email) {
		return Integer.toHexString(email.hashCode());
	}

	private static String text(JsonNode node, String field) {
		JsonNode value = node.get(field);
		require(value != null && value.isString(), "no " + field);
		return value.stringValue();
	}

	private static void require(boolean condition, String problem) {
		if (!condition) {
			throw new IllegalArgumentException(problem);
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

	/**
	 * A token issued here.
	 *
	 * @param token the access token
	 * @param principal the service account it acts as
	 * @param scopes what it may be used for
	 * @param expiresAt when it expires
	 */
	public record Issued(String token, String principal, List<String> scopes, Instant expiresAt) {

		@Override
		public String toString() {
			return "Issued[principal=" + this.principal + ", scopes=" + this.scopes + ", expiresAt=" + this.expiresAt
					+ "]";
		}

	}

	/** Told of each token before the caller receives it. */
	@FunctionalInterface
	public interface IssuedTokenListener {

		void issued(Issued token);

	}

}
