package io.github.refreshingdatasource.credentials.provider.oauth2;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.refreshingdatasource.credentials.provider.SecretMask;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a token endpoint's answer. The new refresh token is read on its own
 * ({@link #refreshToken}) so that it can be kept before anything else in the answer is
 * judged; {@link #accessToken} then judges the rest.
 * <p>
 * A lifetime is read exactly and clamped to {@link #MAX_LIFETIME}. Without
 * {@code expires_in} (RFC 6749 only recommends it), the access token's own {@code exp} is
 * used when it is a JWT; otherwise the expiry is unknown and the cache fetches again after
 * {@code refresh.default-lifetime}. Either is logged at WARN once per source.
 * <p>
 * Text from the server ({@code error}, {@code error_description}) is quoted only after
 * removing any secret it echoes, line breaks and other control or format characters, and
 * bounded in length.
 */
final class TokenResponseParser {

	private static final Log logger = LogFactory.getLog(TokenResponseParser.class);

	private static final JsonMapper MAPPER = JsonMapper.shared();

	static final int MAX_DESCRIPTION = 200;

	/** The longest lifetime read; the cache clamps further (to a day), this only prevents overflow. */
	static final Duration MAX_LIFETIME = Duration.ofDays(366);

	private static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(MAX_LIFETIME.getSeconds());

	private final OAuth2Client client;

	private final AtomicBoolean warnedMissingExpiry = new AtomicBoolean();

	TokenResponseParser(OAuth2Client client) {
		this.client = client;
	}

	/**
	 * The refresh token a successful answer carries, judged on nothing else.
	 * @param answer the answer
	 * @return the refresh token, or {@code null} when the answer is no success or has none
	 */
	@Nullable String refreshToken(TokenEndpoint.Answer answer) {
		if (answer.status() < 200 || answer.status() >= 300) {
			return null;
		}
		JsonNode root = parseQuietly(answer.body());
		String token = (root != null && root.isObject()) ? text(root, "refresh_token") : null;
		return (token != null && !token.isEmpty()) ? token : null;
	}

	/**
	 * The access token of a successful answer.
	 * @param answer the answer
	 * @param sentAt when the request was sent: lifetimes count from then
	 * @param chain the refresh token chain redeemed, or {@code null} for other grants
	 * @param secrets texts the server may echo that must not be quoted
	 * @return the token and its expiry, if known
	 * @throws OAuth2ErrorException when the endpoint refused with an OAuth2 error
	 * @throws IOException when the answer is any other failure or malformed
	 */
	Parsed accessToken(TokenEndpoint.Answer answer, Instant sentAt, @Nullable RefreshTokenChain chain,
			@Nullable String... secrets) throws IOException, OAuth2ErrorException {
		int status = answer.status();
		if (status < 200 || status >= 300) {
			Exception failure = failure(answer, chain, secrets);
			if (failure instanceof OAuth2ErrorException refusal) {
				throw refusal;
			}
			throw (IOException) failure;
		}
		JsonNode root = parseQuietly(answer.body());
		if (root == null || !root.isObject()) {
			throw new IOException(
					"Token endpoint " + this.client.tokenUri() + " answered HTTP " + status + " without a JSON object");
		}
		String accessToken = text(root, "access_token");
		if (accessToken == null || accessToken.isEmpty()) {
			throw new IOException("Token endpoint " + this.client.tokenUri() + " answered without 'access_token'");
		}
		JsonNode expiresIn = root.get("expires_in");
		if (expiresIn == null || expiresIn.isNull()) {
			return new Parsed(accessToken, missingExpiry(accessToken, sentAt));
		}
		return new Parsed(accessToken, sentAt.plus(lifetime(expiresIn)));
	}

	private Exception failure(TokenEndpoint.Answer answer, @Nullable RefreshTokenChain chain,
			@Nullable String... secrets) {
		int status = answer.status();
		JsonNode error = parseQuietly(answer.body());
		String code = (error != null && error.isObject()) ? sanitize(text(error, "error"), secrets) : null;
		if (code != null && (status == 400 || status == 401 || status == 403)) {
			String description = sanitize(text(error, "error_description"), secrets);
			String detail = code + ((description != null) ? ": " + description : "");
			if (OAuth2ErrorException.INVALID_GRANT.equals(code) && chain != null) {
				return new OAuth2ErrorException("Token endpoint " + this.client.tokenUri() + " refused the refresh token ("
						+ detail + "): it was revoked, already used, or has expired. Re-authorize to obtain a new "
						+ "refresh token and configure it (refresh token store: " + chain.store() + ").", code, status);
			}
			return new OAuth2ErrorException("Token endpoint " + this.client.tokenUri() + " refused the request for "
					+ "client '" + this.client.clientId() + "' (HTTP " + status + ", " + detail + "); check the client "
					+ "id, secret, authentication method (" + this.client.clientAuthentication() + "), grant type and "
					+ "scope.", code, status);
		}
		return new IOException("Token endpoint " + this.client.tokenUri() + " answered HTTP " + status
				+ ((code != null) ? " (" + code + ")" : ""));
	}

	private @Nullable Instant missingExpiry(String accessToken, Instant sentAt) {
		Instant exp = jwtExpiry(accessToken);
		if (exp != null && exp.isAfter(sentAt)) {
			if (this.warnedMissingExpiry.compareAndSet(false, true)) {
				logger.warn("Token endpoint " + this.client.tokenUri() + " answers without 'expires_in'; the expiry "
						+ "is taken from the access token's own 'exp' claim");
			}
			Instant latest = sentAt.plus(MAX_LIFETIME);
			return exp.isAfter(latest) ? latest : exp;
		}
		if (this.warnedMissingExpiry.compareAndSet(false, true)) {
			logger.warn("Token endpoint " + this.client.tokenUri() + " answers without 'expires_in' and its access "
					+ "token is no JWT with an 'exp' claim; the token is fetched again after "
					+ "refreshing.datasource.refresh.default-lifetime, or at once when the database rejects it");
		}
		return null;
	}

	/** The {@code exp} claim of a JWT, read without verifying it: the database does that. */
	private static @Nullable Instant jwtExpiry(String token) {
		String[] parts = token.split("\\.", -1);
		if (parts.length != 3) {
			return null;
		}
		try {
			byte[] payload = Base64.getUrlDecoder().decode(parts[1]);
			JsonNode claims = MAPPER.readTree(new String(payload, StandardCharsets.UTF_8));
			JsonNode exp = (claims != null) ? claims.get("exp") : null;
			if (exp == null || !exp.isNumber() || exp.decimalValue().signum() <= 0) {
				return null;
			}
			BigDecimal seconds = exp.decimalValue().min(BigDecimal.valueOf(Instant.MAX.getEpochSecond() / 2));
			return Instant.ofEpochSecond(seconds.longValue());
		}
		catch (IllegalArgumentException | JacksonException ex) {
			return null;
		}
	}

	private Duration lifetime(JsonNode node) throws IOException {
		BigDecimal seconds = null;
		if (node.isNumber()) {
			seconds = node.decimalValue();
		}
		else if (node.isString() && node.stringValue().strip().matches("[0-9]{1,40}(\\.[0-9]{1,9})?")) {
			seconds = new BigDecimal(node.stringValue().strip());
		}
		if (seconds == null || seconds.signum() <= 0) {
			throw new IOException("Token endpoint " + this.client.tokenUri()
					+ " answered without a positive 'expires_in'; the token's lifetime is unknown");
		}
		if (seconds.compareTo(MAX_SECONDS) > 0) {
			return MAX_LIFETIME;
		}
		return Duration.ofMillis(seconds.movePointRight(3).longValue());
	}

	private static @Nullable JsonNode parseQuietly(byte[] body) {
		if (body.length == 0) {
			return null;
		}
		try {
			return MAPPER.readTree(new String(body, StandardCharsets.UTF_8));
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
	 * Make a server's text safe to quote: no secret it may echo (known or credential-shaped), no line break, control or
	 * format character (which could forge a log line or hide text), bounded length.
	 * @param text the server's text
	 * @param secrets what must not appear
	 * @return the text, or {@code null} when nothing is left
	 */
	static @Nullable String sanitize(@Nullable String text, @Nullable String... secrets) {
		if (text == null) {
			return null;
		}
		String clean = text;
		for (String secret : secrets) {
			if (secret != null && !secret.isEmpty()) {
				clean = clean.replace(secret, "[redacted]");
			}
		}
		// Then whatever is credential-shaped: a secret the source has never handed us, e.g. the
		// refresh token an endpoint echoes in error_description.
		clean = SecretMask.mask(clean);
		clean = clean.replaceAll("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]", " ").strip();
		if (clean.isEmpty()) {
			return null;
		}
		return (clean.length() > MAX_DESCRIPTION) ? clean.substring(0, MAX_DESCRIPTION) + "..." : clean;
	}

	/**
	 * An access token and its expiry; never printed.
	 * @param value the token
	 * @param expiresAt when it expires, or {@code null} when unknown
	 */
	record Parsed(String value, @Nullable Instant expiresAt) {

		@Override
		public String toString() {
			return "Parsed[expiresAt=" + this.expiresAt + "]";
		}

	}

}
