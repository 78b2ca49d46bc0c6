package io.github.refreshingdatasource.credentials.provider;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

import io.github.refreshingdatasource.credentials.DbCredential;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a credential from a JSON document such as
 * {@code {"username": "app", "password": "s3cr3t", "expires_at": "2026-01-01T00:00:00Z"}},
 * as written by rotators into files and printed by programs like
 * {@code az account get-access-token}.
 * <p>
 * The expiry may be an ISO-8601 instant or offset date-time, or epoch seconds given as a
 * number or a numeric string (az's {@code expires_on}). As a last resort a local
 * {@code yyyy-MM-dd HH:mm:ss.ffffff} (az's {@code expiresOn}) is read in the JVM's time zone;
 * prefer an epoch or offset field, which cannot be misread.
 * <p>
 * Error messages name the field at fault and never quote the document, since it holds the
 * secret.
 */
public final class CredentialJson {

	private static final JsonMapper MAPPER = JsonMapper.shared();

	private static final Pattern EPOCH_SECONDS = Pattern.compile("[0-9]+(\\.[0-9]+)?");

	private static final DateTimeFormatter LOCAL_DATE_TIME = new DateTimeFormatterBuilder()
		.append(DateTimeFormatter.ISO_LOCAL_DATE)
		.appendLiteral(' ')
		.append(DateTimeFormatter.ISO_LOCAL_TIME)
		.toFormatter();

	private CredentialJson() {
	}

	/**
	 * Whether the text is a JSON document rather than a bare secret: it starts, once
	 * surrounding whitespace is stripped, with <code>{</code>.
	 * @param text the content of a file or a program's output
	 * @return {@code true} when the text should be read with {@link #parse}
	 */
	public static boolean isJson(String text) {
		return text.strip().startsWith("{");
	}

	/**
	 * Read a credential without an expiry from a JSON object, such as a secret of a secrets
	 * manager, whose password is valid until someone rotates it.
	 * @param json the JSON text
	 * @param secretField the field holding the password (required, a non-empty string)
	 * @param usernameField the field holding the username (optional)
	 * @return the credential, without expiry
	 * @throws IOException when the text is not a JSON object, the secret field is missing or
	 * empty, or a field has the wrong type; the message names the field but holds no value
	 */
	public static DbCredential parse(String json, String secretField, String usernameField) throws IOException {
		return parse(json, secretField, usernameField, null);
	}

	/**
	 * Read a credential from a JSON object.
	 * @param json the JSON text
	 * @param secretField the field holding the password or token (required, a non-empty
	 * string)
	 * @param usernameField the field holding the username (optional)
	 * @param expiresAtField the field holding the expiry (optional), or {@code null} when the
	 * source states none
	 * @return the credential
	 * @throws IOException when the text is not a JSON object, the secret field is missing or
	 * empty, or a field has the wrong type; the message names the field but holds no value
	 */
	public static DbCredential parse(String json, String secretField, String usernameField,
			@Nullable String expiresAtField) throws IOException {
		JsonNode root = readTree(json);
		if (!root.isObject()) {
			throw new IOException("JSON is not an object");
		}
		String secret = string(root, secretField);
		if (secret == null) {
			throw new IOException("JSON has no '" + secretField + "' field");
		}
		if (secret.isEmpty()) {
			throw new IOException("JSON field '" + secretField + "' is empty");
		}
		String username = string(root, usernameField);
		return DbCredential.of((username != null && !username.isBlank()) ? username : null, secret,
				expiresAt(root, expiresAtField));
	}

	private static JsonNode readTree(String json) throws IOException {
		try {
			return MAPPER.readTree(json);
		}
		catch (JacksonException ex) {
			// Jackson's message quotes the offending token, which may be part of the secret: keep
			// only where it went wrong, and drop the cause for the same reason.
			TokenStreamLocation location = ex.getLocation();
			throw new IOException("Invalid JSON"
					+ ((location != null) ? " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")"
							: ""));
		}
	}

	private static @Nullable String string(JsonNode root, String field) throws IOException {
		JsonNode node = root.get(field);
		if (node == null || node.isNull()) {
			return null;
		}
		if (!node.isString()) {
			throw new IOException("JSON field '" + field + "' is not a string");
		}
		return node.stringValue();
	}

	private static @Nullable Instant expiresAt(JsonNode root, @Nullable String field) throws IOException {
		JsonNode node = (field != null) ? root.get(field) : null;
		if (node == null || node.isNull()) {
			return null;
		}
		try {
			if (node.isNumber()) {
				return epochSeconds(node.decimalValue());
			}
			if (node.isString()) {
				return instant(node.stringValue().strip());
			}
		}
		catch (DateTimeException | ArithmeticException ex) {
			// Fall through: the value is not quoted, as a misconfigured field name could point
			// at the secret.
		}
		throw new IOException(
				"JSON field '" + field + "' is neither an ISO-8601 date-time nor epoch seconds");
	}

	private static Instant instant(String text) {
		if (EPOCH_SECONDS.matcher(text).matches()) {
			return epochSeconds(new BigDecimal(text));
		}
		try {
			// Also reads instants: "Z" is an offset here.
			return OffsetDateTime.parse(text).toInstant();
		}
		catch (DateTimeParseException ex) {
			return LocalDateTime.parse(text, LOCAL_DATE_TIME).atZone(ZoneId.systemDefault()).toInstant();
		}
	}

	private static Instant epochSeconds(BigDecimal seconds) {
		BigDecimal whole = seconds.setScale(0, RoundingMode.FLOOR);
		int nanos = seconds.subtract(whole).movePointRight(9).intValue();
		return Instant.ofEpochSecond(whole.longValueExact(), nanos);
	}

}
