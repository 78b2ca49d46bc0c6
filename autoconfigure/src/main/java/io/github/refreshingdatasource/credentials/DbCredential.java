package io.github.refreshingdatasource.credentials;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A database login: a username, a secret (password or access token) and, when the source
 * states one, the instant the secret stops being accepted.
 * <p>
 * The secret never appears in {@link #toString()}; a short {@link #fingerprint()} identifies
 * it in logs and Actuator output instead.
 */
public final class DbCredential {

	private final @Nullable String username;

	private final String secret;

	private final @Nullable Instant expiresAt;

	private final String fingerprint;

	private DbCredential(@Nullable String username, String secret, @Nullable Instant expiresAt) {
		if (secret == null || secret.isEmpty()) {
			throw new IllegalArgumentException("A credential needs a non-empty secret");
		}
		this.username = username;
		this.secret = secret;
		this.expiresAt = expiresAt;
		this.fingerprint = fingerprintOf(secret);
	}

	/**
	 * Create a credential.
	 * @param username the login name, or {@code null} when the source does not name one
	 * @param secret the password or access token
	 * @param expiresAt when the secret expires, or {@code null} when unknown
	 * @return the credential
	 */
	public static DbCredential of(@Nullable String username, String secret, @Nullable Instant expiresAt) {
		return new DbCredential(username, secret, expiresAt);
	}

	public @Nullable String username() {
		return this.username;
	}

	public String secret() {
		return this.secret;
	}

	public @Nullable Instant expiresAt() {
		return this.expiresAt;
	}

	/**
	 * First 8 hex characters of the SHA-256 of the secret: enough to tell two credentials
	 * apart in a log line, too little to recover the secret.
	 * @return the fingerprint
	 */
	public String fingerprint() {
		return this.fingerprint;
	}

	/**
	 * Return a copy with the given username, keeping secret and expiry.
	 * @param username the username
	 * @return the copy
	 */
	public DbCredential withUsername(@Nullable String username) {
		return Objects.equals(this.username, username) ? this : new DbCredential(username, this.secret, this.expiresAt);
	}

	/**
	 * Whether the other credential carries the same username and secret (compared in constant
	 * time), whatever their stated expiry.
	 * @param other the other credential
	 * @return {@code true} when both would log in the same way
	 */
	public boolean sameLogin(@Nullable DbCredential other) {
		return other != null && Objects.equals(this.username, other.username) && sameSecret(other.secret);
	}

	/**
	 * Whether this credential's secret is the given one, compared in constant time.
	 * @param secret the secret to compare with
	 * @return {@code true} when equal
	 */
	public boolean sameSecret(@Nullable String secret) {
		return secret != null && MessageDigest.isEqual(this.secret.getBytes(StandardCharsets.UTF_8),
				secret.getBytes(StandardCharsets.UTF_8));
	}

	@Override
	public String toString() {
		return "DbCredential[username=" + this.username + ", fingerprint=" + this.fingerprint + ", expiresAt="
				+ this.expiresAt + "]";
	}

	static String fingerprintOf(String secret) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest, 0, 4);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every Java platform", ex);
		}
	}

}
