package io.github.refreshingdatasource.sample.issuer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.refreshingdatasource.credentials.DbCredential;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes one audience's credentials as a JSON file,
 * {@code {"username": ..., "<secret field>": ..., "expires_at": ...}}: for the application,
 * the file a Vault Agent template or a Kubernetes secret mount would write (secret field
 * {@code password}, read by the starter's {@code file} provider); for reporting, what a CLI
 * such as {@code vault read -format=json} would print (secret field {@code token}, printed
 * by the {@code command} provider's program). While the token source is broken the file
 * holds JSON without a secret, so every read fails.
 */
public final class CredentialFile implements CredentialPublisher {

	/** What the file holds while the token source is broken. */
	static final String UNAVAILABLE = "{\"error\": \"demo: the token service is unavailable\"}\n";

	private static final JsonMapper json = JsonMapper.shared();

	private final Path path;

	private final Audience audience;

	private final String secretField;

	CredentialFile(Path path, Audience audience, String secretField) {
		this.path = path.toAbsolutePath();
		this.audience = audience;
		this.secretField = secretField;
	}

	public Path path() {
		return this.path;
	}

	@Override
	public void publish(Audience audience, DbCredential credential) {
		if (audience != this.audience) {
			return;
		}
		Map<String, String> content = new LinkedHashMap<>();
		content.put("username", credential.username());
		content.put(this.secretField, credential.secret());
		content.put("expires_at", String.valueOf(credential.expiresAt()));
		write(json.writeValueAsString(content) + "\n");
	}

	@Override
	public void unavailable() {
		write(UNAVAILABLE);
	}

	/**
	 * Read the credential the file holds now, once: what an application does that puts a
	 * mounted secret into {@code spring.datasource.password} at startup.
	 * @return the credential
	 * @throws IllegalStateException when the file holds none
	 */
	public DbCredential readOnce() {
		JsonNode content;
		try {
			content = json.readTree(Files.readString(this.path, StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read the credential file " + this.path, ex);
		}
		JsonNode username = content.get("username");
		JsonNode secret = content.get(this.secretField);
		if (username == null || secret == null) {
			throw new IllegalStateException("The credential file " + this.path + " holds no credential");
		}
		JsonNode expiresAt = content.get("expires_at");
		return DbCredential.of(username.asString(), secret.asString(),
				(expiresAt != null) ? Instant.parse(expiresAt.asString()) : null);
	}

	/**
	 * Replace the file in one step, as Vault Agent and the kubelet do, so the starter never
	 * reads half a file; only the owner may read it.
	 */
	private void write(String content) {
		Path temporary = this.path.resolveSibling("." + this.path.getFileName() + ".tmp");
		try {
			Files.deleteIfExists(temporary);
			if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
				Files.createFile(temporary,
						PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
			}
			Files.writeString(temporary, content, StandardCharsets.UTF_8);
			try {
				Files.move(temporary, this.path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(temporary, this.path, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write the credential file " + this.path, ex);
		}
	}

	@Override
	public String toString() {
		return "CredentialFile[" + this.audience + ", " + this.path + "]";
	}

}
