package io.github.refreshingdatasource.coordination;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import io.github.refreshingdatasource.credentials.DbCredential;
import org.jspecify.annotations.Nullable;

/**
 * The credential one replica fetched for the fleet, and from when the fleet fetches a new
 * one ({@code refreshAt}: past it, the next replica that needs a credential takes the lock
 * and refreshes). Kept in one field so a reader never sees half of a write.
 */
record SharedCredential(DbCredential credential, Instant refreshAt) {

	private static final String VERSION = "v1";

	String encode() {
		Base64.Encoder base64 = Base64.getEncoder();
		DbCredential c = this.credential;
		return VERSION + ":" + this.refreshAt.toEpochMilli() + ":"
				+ ((c.expiresAt() != null) ? Long.toString(c.expiresAt().toEpochMilli()) : "-") + ":"
				+ ((c.username() != null) ? base64.encodeToString(c.username().getBytes(StandardCharsets.UTF_8)) : "-")
				+ ":" + base64.encodeToString(c.secret().getBytes(StandardCharsets.UTF_8));
	}

	/** The stored record, or {@code null} when it is not one this version writes (never thrown: it holds a secret). */
	static @Nullable SharedCredential decode(@Nullable String value) {
		if (value == null) {
			return null;
		}
		String[] parts = value.split(":", -1);
		if (parts.length != 5 || !VERSION.equals(parts[0])) {
			return null;
		}
		try {
			Base64.Decoder base64 = Base64.getDecoder();
			Instant refreshAt = Instant.ofEpochMilli(Long.parseLong(parts[1]));
			Instant expiresAt = "-".equals(parts[2]) ? null : Instant.ofEpochMilli(Long.parseLong(parts[2]));
			String username = "-".equals(parts[3]) ? null : new String(base64.decode(parts[3]), StandardCharsets.UTF_8);
			String secret = new String(base64.decode(parts[4]), StandardCharsets.UTF_8);
			return new SharedCredential(DbCredential.of(username, secret, expiresAt), refreshAt);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	@Override
	public String toString() {
		return "SharedCredential[" + this.credential + ", refreshAt=" + this.refreshAt + "]";
	}

}
