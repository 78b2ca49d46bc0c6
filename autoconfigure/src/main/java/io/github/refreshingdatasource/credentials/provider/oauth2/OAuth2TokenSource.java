package io.github.refreshingdatasource.credentials.provider.oauth2;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.ConnectException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.Assert;

/**
 * Obtains access tokens from one OAuth2 token endpoint for one {@link OAuth2Client}, and
 * keeps the newest refresh token of a rotating chain.
 * <p>
 * One source may serve several DataSources: a token obtained for one of them within the
 * first quarter of its lifetime is handed to another that asks, so the endpoint sees one
 * request per token lifetime, and a chain of single-use refresh tokens is never forked. A
 * DataSource that asks again (its token is near expiry, or the database rejected it) always
 * gets a new token.
 * <p>
 * Exchanges run to completion even when the caller gives up waiting: the response may carry
 * the only valid refresh token of the chain, so it is stored whenever it arrives, and the
 * next caller uses that exchange's answer rather than starting another.
 * <p>
 * An OAuth2 error answer ({@code invalid_grant}, {@code invalid_client}, ...) is thrown as
 * an {@link OAuth2ErrorException}, which is not retried; a refused refresh token is not sent
 * again, until a different one appears in the {@link RefreshTokenStore}. Every other failure
 * (5xx, timeouts, malformed answers, an answer without {@code expires_in}) is an
 * {@link IOException}, retried by the cache. Messages hold no token or secret; the
 * server's {@code error_description} is quoted with any secret it echoes removed.
 */
public final class OAuth2TokenSource {

	private static final Log logger = LogFactory.getLog(OAuth2TokenSource.class);

	private static final JsonMapper MAPPER = JsonMapper.shared();

	static final int MAX_DESCRIPTION = 200;

	private final OAuth2Client client;

	private final @Nullable RefreshTokenStore store;

	private final Duration timeout;

	private final HttpClient http;

	private final Clock clock;

	private final ReentrantLock lock = new ReentrantLock();

	private @Nullable CompletableFuture<AccessToken> exchange;

	/** The newest refresh token known, which the store may have failed to persist. */
	private volatile @Nullable String refreshToken;

	/** The refresh token the endpoint refused last, and its answer. */
	private volatile @Nullable Refused refused;

	/**
	 * Create a source.
	 * @param client what to ask for, and as whom
	 * @param store where the refresh token chain is kept; required for
	 * {@link GrantType#REFRESH_TOKEN}
	 * @param timeout how long to wait for the endpoint to connect and answer
	 */
	public OAuth2TokenSource(OAuth2Client client, @Nullable RefreshTokenStore store, Duration timeout) {
		this(client, store, timeout, Clock.systemUTC());
	}

	OAuth2TokenSource(OAuth2Client client, @Nullable RefreshTokenStore store, Duration timeout, Clock clock) {
		Assert.notNull(client, "client must not be null");
		Assert.isTrue(client.grantType() != GrantType.REFRESH_TOKEN || store != null,
				"the refresh_token grant needs a refresh token store");
		Assert.isTrue(!timeout.isNegative() && !timeout.isZero(), "timeout must be positive");
		this.client = client;
		this.store = store;
		this.timeout = timeout;
		this.clock = clock;
		this.http = HttpClient.newBuilder()
			.connectTimeout(timeout)
			.followRedirects(HttpClient.Redirect.NEVER)
			.version(HttpClient.Version.HTTP_1_1)
			.build();
	}

	public OAuth2Client getClient() {
		return this.client;
	}

	/**
	 * A provider for one DataSource.
	 * @return a new provider backed by this source
	 */
	public OAuth2CredentialProvider newProvider() {
		return new OAuth2CredentialProvider(this);
	}

	/**
	 * Return a token for the requester: the one just obtained for another requester while it
	 * is young, otherwise a new one.
	 * @param requester the asking provider, compared by identity
	 * @return the token
	 * @throws Exception when the endpoint cannot be reached or refuses
	 */
	AccessToken token(Object requester) throws Exception {
		this.lock.lockInterruptibly();
		try {
			CompletableFuture<AccessToken> exchange = this.exchange;
			if (exchange != null && !exchange.isDone()) {
				// A caller gave up waiting for it; its answer is as fresh as a new one and may
				// carry the chain's only valid refresh token.
				return served(await(exchange), requester);
			}
			if (exchange != null && !exchange.isCompletedExceptionally()) {
				AccessToken last = exchange.join();
				if (last.shareableWith(requester, this.clock.instant())) {
					return served(last, requester);
				}
			}
			exchange = start();
			this.exchange = exchange;
			return served(await(exchange), requester);
		}
		finally {
			this.lock.unlock();
		}
	}

	private static AccessToken served(AccessToken token, Object requester) {
		token.servedTo.add(requester);
		return token;
	}

	private AccessToken await(CompletableFuture<AccessToken> exchange) throws Exception {
		try {
			return exchange.get();
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof CompletionException && cause.getCause() != null) {
				cause = cause.getCause();
			}
			if (cause instanceof TimeoutException) {
				throw new IOException("Token endpoint " + this.client.tokenUri() + " did not answer within "
						+ this.timeout.multipliedBy(2));
			}
			if (cause instanceof HttpTimeoutException) {
				throw new IOException(
						"Token endpoint " + this.client.tokenUri() + " did not answer within " + this.timeout);
			}
			if (cause instanceof ConnectException) {
				throw new IOException("Cannot connect to token endpoint " + this.client.tokenUri(), cause);
			}
			if (cause instanceof Exception exception) {
				throw exception;
			}
			throw ex;
		}
	}

	private CompletableFuture<AccessToken> start() throws Exception {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", this.client.grantType().parameterValue());
		String refreshToken = null;
		if (this.client.grantType() == GrantType.REFRESH_TOKEN) {
			refreshToken = refreshTokenToUse();
			form.put("refresh_token", refreshToken);
		}
		if (!this.client.scope().isEmpty()) {
			form.put("scope", String.join(" ", this.client.scope()));
		}
		HttpRequest.Builder request = HttpRequest.newBuilder(this.client.tokenUri())
			.timeout(this.timeout)
			.header("Accept", "application/json")
			.header("Content-Type", "application/x-www-form-urlencoded");
		switch (this.client.clientAuthentication()) {
			case CLIENT_SECRET_BASIC -> request.header("Authorization", "Basic " + Base64.getEncoder()
				.encodeToString((encode(this.client.clientId()) + ":" + encode(this.client.clientSecret()))
					.getBytes(StandardCharsets.UTF_8)));
			case CLIENT_SECRET_POST -> {
				form.put("client_id", this.client.clientId());
				form.put("client_secret", this.client.clientSecret());
			}
			case NONE -> form.put("client_id", this.client.clientId());
		}
		this.client.parameters().forEach(form::putIfAbsent);
		String body = form.entrySet()
			.stream()
			.map((entry) -> encode(entry.getKey()) + "=" + encode(entry.getValue()))
			.collect(Collectors.joining("&"));
		Instant sentAt = this.clock.instant();
		String sentRefreshToken = refreshToken;
		CompletableFuture<AccessToken> handled = this.http
			.sendAsync(request.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
					HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
			.thenApply((response) -> {
				try {
					return accept(response.statusCode(), response.body(), sentRefreshToken, sentAt);
				}
				catch (IOException | OAuth2ErrorException ex) {
					throw new CompletionException(ex);
				}
			});
		// The request timeout covers the headers only; a body that never ends must not hold
		// every later caller. The exchange itself goes on, so a late refresh token is kept.
		return handled.copy().orTimeout(this.timeout.multipliedBy(2).toMillis(), TimeUnit.MILLISECONDS);
	}

	private String refreshTokenToUse() throws IOException, OAuth2ErrorException {
		Refused refused = this.refused;
		String candidate = this.refreshToken;
		if (candidate == null || (refused != null && refused.token.equals(candidate))) {
			candidate = this.store.load();
		}
		if (candidate == null) {
			throw new OAuth2ErrorException("No refresh token for token endpoint " + this.client.tokenUri() + " (store: "
					+ this.store + "): authorize once and configure the refresh token you obtained.", "no_refresh_token",
					0);
		}
		if (refused != null && refused.token.equals(candidate)) {
			throw new OAuth2ErrorException(refused.error.getMessage() + " (The refused refresh token is not sent again.)",
					refused.error.getError(), refused.error.getStatus());
		}
		this.refreshToken = candidate;
		return candidate;
	}

	private AccessToken accept(int status, @Nullable String body, @Nullable String sentRefreshToken, Instant sentAt)
			throws IOException, OAuth2ErrorException {
		if (status >= 200 && status < 300) {
			return success(status, body, sentRefreshToken, sentAt);
		}
		JsonNode error = parseQuietly(body);
		String code = (error != null) ? text(error, "error") : null;
		if (code != null && (status == 400 || status == 401 || status == 403)) {
			String description = sanitize((error != null) ? text(error, "error_description") : null, sentRefreshToken);
			OAuth2ErrorException refusal = refusal(status, code, description, sentRefreshToken);
			if (refusal.isInvalidGrant() && sentRefreshToken != null) {
				this.refused = new Refused(sentRefreshToken, refusal);
			}
			throw refusal;
		}
		throw new IOException("Token endpoint " + this.client.tokenUri() + " answered HTTP " + status
				+ ((code != null) ? " (" + sanitize(code, sentRefreshToken) + ")" : ""));
	}

	private OAuth2ErrorException refusal(int status, String code, @Nullable String description,
			@Nullable String sentRefreshToken) {
		String detail = code + ((description != null) ? ": " + description : "");
		if (OAuth2ErrorException.INVALID_GRANT.equals(code) && sentRefreshToken != null) {
			return new OAuth2ErrorException("Token endpoint " + this.client.tokenUri() + " refused the refresh token ("
					+ detail + "): it was revoked, already used, or has expired. Re-authorize to obtain a new refresh "
					+ "token and configure it (refresh token store: " + this.store + ").", code, status);
		}
		return new OAuth2ErrorException("Token endpoint " + this.client.tokenUri() + " refused the request for client '"
				+ this.client.clientId() + "' (HTTP " + status + ", " + detail + "); check the client id, secret, "
				+ "authentication method (" + this.client.clientAuthentication() + "), grant type and scope.", code,
				status);
	}

	private AccessToken success(int status, @Nullable String body, @Nullable String sentRefreshToken, Instant sentAt)
			throws IOException {
		JsonNode root = parseQuietly(body);
		if (root == null || !root.isObject()) {
			throw new IOException(
					"Token endpoint " + this.client.tokenUri() + " answered HTTP " + status + " without a JSON object");
		}
		String accessToken = text(root, "access_token");
		if (accessToken == null || accessToken.isEmpty()) {
			throw new IOException("Token endpoint " + this.client.tokenUri() + " answered without 'access_token'");
		}
		Duration expiresIn = expiresIn(root.get("expires_in"));
		String newRefreshToken = text(root, "refresh_token");
		if (this.client.grantType() == GrantType.REFRESH_TOKEN && newRefreshToken != null && !newRefreshToken.isEmpty()
				&& !newRefreshToken.equals(sentRefreshToken)) {
			keep(newRefreshToken);
		}
		// Counted from before the request was sent, so the token never outlives what is believed.
		return new AccessToken(accessToken, sentAt, sentAt.plus(expiresIn));
	}

	private void keep(String newRefreshToken) {
		this.refreshToken = newRefreshToken;
		try {
			this.store.save(newRefreshToken);
			logger.debug("Token endpoint " + this.client.tokenUri() + " rotated the refresh token; kept in "
					+ this.store);
		}
		catch (IOException | RuntimeException ex) {
			logger.error("Token endpoint " + this.client.tokenUri() + " rotated the refresh token, but it could not be "
					+ "stored in " + this.store + " (" + ex.getClass().getSimpleName() + "); it is kept in memory, and "
					+ "after a restart the chain must be re-authorized");
		}
	}

	private Duration expiresIn(@Nullable JsonNode node) throws IOException {
		BigDecimal seconds = null;
		if (node != null && node.isNumber()) {
			seconds = node.decimalValue();
		}
		else if (node != null && node.isString() && node.stringValue().strip().matches("[0-9]+(\\.[0-9]+)?")) {
			seconds = new BigDecimal(node.stringValue().strip());
		}
		if (seconds == null || seconds.signum() <= 0) {
			throw new IOException("Token endpoint " + this.client.tokenUri()
					+ " answered without a positive 'expires_in'; the token's lifetime is unknown");
		}
		return Duration.ofMillis(seconds.movePointRight(3).longValue());
	}

	private static @Nullable JsonNode parseQuietly(@Nullable String body) {
		if (body == null || body.isBlank()) {
			return null;
		}
		try {
			return MAPPER.readTree(body);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private static @Nullable String text(JsonNode root, String field) {
		JsonNode node = root.get(field);
		return (node != null && node.isString()) ? node.stringValue() : null;
	}

	/**
	 * Make a server's text safe for a message: no secret it may echo, no control
	 * characters, bounded length.
	 */
	private @Nullable String sanitize(@Nullable String text, @Nullable String sentRefreshToken) {
		if (text == null || text.isBlank()) {
			return null;
		}
		String clean = text;
		for (String secret : new String[] { this.client.clientSecret(), sentRefreshToken, this.refreshToken }) {
			if (secret != null && !secret.isEmpty()) {
				clean = clean.replace(secret, "[redacted]");
			}
		}
		clean = clean.replaceAll("\\p{Cntrl}", " ").strip();
		return (clean.length() > MAX_DESCRIPTION) ? clean.substring(0, MAX_DESCRIPTION) + "..." : clean;
	}

	private static String encode(@Nullable String value) {
		return URLEncoder.encode((value != null) ? value : "", StandardCharsets.UTF_8);
	}

	@Override
	public String toString() {
		return "OAuth2TokenSource[" + this.client + ", refreshTokenStore=" + this.store + "]";
	}

	/** An access token and when it was obtained; never printed. */
	static final class AccessToken {

		final String value;

		final Instant obtainedAt;

		final Instant expiresAt;

		final Set<Object> servedTo = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

		AccessToken(String value, Instant obtainedAt, Instant expiresAt) {
			this.value = value;
			this.obtainedAt = obtainedAt;
			this.expiresAt = expiresAt;
		}

		boolean shareableWith(Object requester, Instant now) {
			Duration lifetime = Duration.between(this.obtainedAt, this.expiresAt);
			return !this.servedTo.contains(requester) && now.isBefore(this.obtainedAt.plus(lifetime.dividedBy(4)));
		}

		@Override
		public String toString() {
			return "AccessToken[expiresAt=" + this.expiresAt + "]";
		}

	}

	private record Refused(String token, OAuth2ErrorException error) {

		@Override
		public String toString() {
			return "Refused[" + this.error.getError() + "]";
		}

	}

}
