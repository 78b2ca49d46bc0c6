package io.github.refreshingdatasource.credentials.provider.file;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.credentials.provider.CredentialJson;
import org.jspecify.annotations.Nullable;

/**
 * Reads the credential from a file that something else keeps current: Vault Agent, a
 * Kubernetes secret mount, any rotator.
 * <p>
 * The file holds either the bare password (surrounding whitespace and the trailing newline
 * are stripped; no username), or, when it starts with <code>{</code>, a JSON object such as
 * {@code {"username": "app", "password": "s3cr3t", "expires_at": "2026-01-01T00:00:00Z"}}
 * read by {@link CredentialJson}, with configurable field names.
 * <p>
 * {@link #watch(Runnable)} reports changes to the file as they happen, so a rotated password
 * is picked up at once; a change to content this provider has already returned is not
 * reported (the cache already holds it).
 */
public final class FileCredentialProvider implements CredentialProvider {

	/** Default name of the JSON field holding the password. */
	public static final String DEFAULT_PASSWORD_FIELD = "password";

	/** Default name of the JSON field holding the username. */
	public static final String DEFAULT_USERNAME_FIELD = "username";

	/** Default name of the JSON field holding the expiry. */
	public static final String DEFAULT_EXPIRES_AT_FIELD = "expires_at";

	private final Path path;

	private final String passwordField;

	private final String usernameField;

	private final String expiresAtField;

	/** SHA-256 of the file content behind the last credential returned; never the content. */
	private volatile byte @Nullable [] lastReturned;

	/**
	 * Create a provider reading the given file, with the default JSON field names.
	 * @param path the credential file
	 */
	public FileCredentialProvider(Path path) {
		this(path, DEFAULT_PASSWORD_FIELD, DEFAULT_USERNAME_FIELD, DEFAULT_EXPIRES_AT_FIELD);
	}

	/**
	 * Create a provider reading the given file.
	 * @param path the credential file
	 * @param passwordField the JSON field holding the password
	 * @param usernameField the JSON field holding the username
	 * @param expiresAtField the JSON field holding the expiry
	 */
	public FileCredentialProvider(Path path, String passwordField, String usernameField, String expiresAtField) {
		this.path = path;
		this.passwordField = passwordField;
		this.usernameField = usernameField;
		this.expiresAtField = expiresAtField;
	}

	/**
	 * Read the credential from the file.
	 * @return the credential
	 * @throws IOException when the file is missing, unreadable or empty, or its JSON lacks
	 * the password field; the message names the file and field, never the content
	 */
	@Override
	public DbCredential fetch() throws IOException {
		byte[] bytes = read();
		DbCredential credential = parse(decode(bytes).strip());
		this.lastReturned = sha256(bytes);
		return credential;
	}

	private DbCredential parse(String content) throws IOException {
		if (content.isEmpty()) {
			throw new IOException("Credential file " + this.path + " is empty");
		}
		if (!CredentialJson.isJson(content)) {
			return DbCredential.of(null, content, null);
		}
		try {
			return CredentialJson.parse(content, this.passwordField, this.usernameField, this.expiresAtField);
		}
		catch (IOException ex) {
			throw new IOException("Credential file " + this.path + ": " + ex.getMessage());
		}
	}

	/** The largest credential file read: a password, token or JSON document is far smaller. */
	static final int MAX_SIZE = 64 * 1024;

	private byte[] read() throws IOException {
		byte[] bytes = readBounded();
		if (bytes.length > MAX_SIZE) {
			// Named by its property, never quoted: it may be a secret written to the wrong path.
			throw new IOException("Credential file " + this.path + " (refreshing.datasource.provider.file.path) "
					+ "is larger than " + MAX_SIZE + " bytes; it is not read");
		}
		return bytes;
	}

	private String decode(byte[] bytes) throws IOException {
		try {
			return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
		}
		catch (java.nio.charset.CharacterCodingException ex) {
			throw new IOException("Credential file " + this.path + " is not UTF-8 text");
		}
	}

	private byte[] readBounded() throws IOException {
		try (InputStream in = Files.newInputStream(this.path)) {
			return in.readNBytes(MAX_SIZE + 1);
		}
		catch (NoSuchFileException ex) {
			throw new IOException("Credential file " + this.path + " does not exist", ex);
		}
		catch (AccessDeniedException ex) {
			throw new IOException("Credential file " + this.path + " is not readable by this process", ex);
		}
		catch (IOException ex) {
			throw new IOException("Cannot read credential file " + this.path, ex);
		}
	}

	/**
	 * Call the listener when the file changes: rewritten in place, replaced by a rename, or
	 * swapped in by Kubernetes (which replaces a {@code ..data} symlink in the directory, not
	 * the file). A burst of events is reported once, after the directory has been quiet for
	 * a moment.
	 * @param listener called on the watching thread after the file changed
	 * @return a handle that stops the watching thread
	 * @throws UncheckedIOException when the file's directory cannot be watched
	 */
	@Override
	public AutoCloseable watch(Runnable listener) {
		try {
			return FileWatch.start(this.path, () -> {
				if (changedSinceLastReturned()) {
					listener.run();
				}
			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot watch credential file " + this.path, ex);
		}
	}

	/**
	 * Whether the file now holds other content than the last credential returned came from.
	 * A rejected login that made the cache read the new file before the watch reported it
	 * would otherwise cost a second read of the same content.
	 */
	boolean changedSinceLastReturned() {
		byte[] returned = this.lastReturned;
		if (returned == null) {
			return true;
		}
		try {
			return !MessageDigest.isEqual(returned, sha256(read()));
		}
		catch (IOException ex) {
			// Let the cache's fetch report it.
			return true;
		}
	}

	private static byte[] sha256(byte[] bytes) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(bytes);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform has SHA-256", ex);
		}
	}

	@Override
	public String toString() {
		return "FileCredentialProvider[path=" + this.path + "]";
	}

}
