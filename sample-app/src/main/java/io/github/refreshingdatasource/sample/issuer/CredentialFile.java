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
import java.util.LinkedHashMap;
import java.util.Map;

import io.github.refreshingdatasource.credentials.DbCredential;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes credentials as the JSON file a Vault Agent template or a Kubernetes secret mount
 * would write, {@code {"username": ..., "password": ..., "expires_at": ...}}, which the
 * starter's {@code file} provider reads. While the token source is broken the file holds
 * JSON without a password, so every read fails.
 */
public final class CredentialFile implements CredentialPublisher {

	/** What the file holds while the token source is broken. */
	static final String UNAVAILABLE = "{\"error\": \"demo: the token service is unavailable\"}\n";

	private static final JsonMapper json = JsonMapper.shared();

	private final Path path;

	CredentialFile(Path path) {
		this.path = path.toAbsolutePath();
	}

	public Path path() {
		return this.path;
	}

	@Override
	public void publish(DbCredential credential) {
		Map<String, String> content = new LinkedHashMap<>();
		content.put("username", credential.username());
		content.put("password", credential.secret());
		content.put("expires_at", String.valueOf(credential.expiresAt()));
		write(json.writeValueAsString(content) + "\n");
	}

	@Override
	public void unavailable() {
		write(UNAVAILABLE);
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
		return "CredentialFile[" + this.path + "]";
	}

}
