package io.github.refreshingdatasource.testsupport;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks an RDS IAM authentication token the way RDS does: recomputes its AWS Signature
 * Version 4 from the secret key, independently of the AWS SDK (the canonical request,
 * string to sign and HMAC-SHA256 key chain of the SigV4 specification, written out here),
 * and compares.
 * <p>
 * The token is {@code host:port/?Action=connect&DBUser=...&X-Amz-...&X-Amz-Signature=...}: a
 * presigned {@code GET} of {@code https://host:port/} with only the {@code host} header
 * signed and the SHA-256 of the empty body as payload hash.
 */
public final class RdsIamTokenVerifier {

	private static final String ALGORITHM = "AWS4-HMAC-SHA256";

	private static final String SERVICE = "rds-db";

	private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
		.withZone(ZoneOffset.UTC);

	private final String accessKeyId;

	private final String secretAccessKey;

	public RdsIamTokenVerifier(String accessKeyId, String secretAccessKey) {
		this.accessKeyId = accessKeyId;
		this.secretAccessKey = secretAccessKey;
	}

	/**
	 * Verify a token.
	 * @param token the token
	 * @param host the host it must be for
	 * @param port the port it must be for
	 * @param user the database user it must be for
	 * @param region the region it must be signed for
	 * @return when it was signed and for how long it is valid
	 * @throws IllegalArgumentException when it is not a valid token for them
	 */
	public Verified verify(String token, String host, int port, String user, String region) {
		String prefix = host + ":" + port + "/?";
		require(token.startsWith(prefix), "token is not for " + host + ":" + port);
		Map<String, String> parameters = new TreeMap<>();
		for (String pair : token.substring(prefix.length()).split("&")) {
			int equals = pair.indexOf('=');
			parameters.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
					URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
		}
		require("connect".equals(parameters.get("Action")), "Action is not connect");
		require(user.equals(parameters.get("DBUser")), "DBUser is not " + user);
		require(ALGORITHM.equals(parameters.get("X-Amz-Algorithm")), "not SigV4");
		require("host".equals(parameters.get("X-Amz-SignedHeaders")), "signed headers are not 'host'");
		String amzDate = parameters.get("X-Amz-Date");
		String date = amzDate.substring(0, 8);
		String scope = date + "/" + region + "/" + SERVICE + "/aws4_request";
		require((this.accessKeyId + "/" + scope).equals(parameters.get("X-Amz-Credential")),
				"credential scope is not " + scope + " of " + this.accessKeyId);
		String signature = parameters.remove("X-Amz-Signature");
		StringBuilder canonicalQuery = new StringBuilder();
		parameters.forEach((key, value) -> canonicalQuery.append((canonicalQuery.length() > 0) ? "&" : "")
			.append(encode(key))
			.append('=')
			.append(encode(value)));
		String canonicalRequest = "GET\n/\n" + canonicalQuery + "\nhost:" + host + ":" + port + "\n\nhost\n"
				+ hex(sha256(""));
		String stringToSign = ALGORITHM + "\n" + amzDate + "\n" + scope + "\n" + hex(sha256(canonicalRequest));
		byte[] key = hmac(("AWS4" + this.secretAccessKey).getBytes(StandardCharsets.UTF_8), date);
		key = hmac(key, region);
		key = hmac(key, SERVICE);
		key = hmac(key, "aws4_request");
		String expected = hex(hmac(key, stringToSign));
		require(MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
				signature.getBytes(StandardCharsets.US_ASCII)), "signature does not match");
		return new Verified(Instant.from(AMZ_DATE.parse(amzDate)),
				Duration.ofSeconds(Long.parseLong(parameters.get("X-Amz-Expires"))));
	}

	private static void require(boolean condition, String problem) {
		if (!condition) {
			throw new IllegalArgumentException("Invalid RDS IAM token: " + problem);
		}
	}

	/** SigV4 URI encoding: everything but the unreserved characters, upper-case hex. */
	private static String encode(String value) {
		StringBuilder encoded = new StringBuilder();
		for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
			char c = (char) (b & 0xff);
			if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
					|| c == '.' || c == '~') {
				encoded.append(c);
			}
			else {
				encoded.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
			}
		}
		return encoded.toString();
	}

	private static byte[] sha256(String text) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static byte[] hmac(byte[] key, String data) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key, "HmacSHA256"));
			return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String hex(byte[] bytes) {
		return HexFormat.of().formatHex(bytes);
	}

	/**
	 * A valid token's validity.
	 *
	 * @param signedAt {@code X-Amz-Date}
	 * @param validFor {@code X-Amz-Expires}
	 */
	public record Verified(Instant signedAt, Duration validFor) {

		public Instant expiresAt() {
			return this.signedAt.plus(this.validFor);
		}

	}

}
