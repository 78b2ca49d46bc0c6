package io.github.refreshingdatasource.sample.issuer;

import java.nio.file.Path;

import org.springframework.util.FileSystemUtils;

/**
 * The temporary directory of the demo's credential files, removed when the application
 * context closes, after the credential caches have stopped watching it (they are closed
 * first: see {@link DemoIssuerConfiguration}). A JVM shutdown hook would race the context's
 * own and pull the directory out from under a file watch that is still running.
 */
final class CredentialDirectory implements AutoCloseable {

	private final Path path;

	CredentialDirectory(Path path) {
		this.path = path;
	}

	Path path() {
		return this.path;
	}

	@Override
	public void close() {
		FileSystemUtils.deleteRecursively(this.path.toFile());
	}

	@Override
	public String toString() {
		return "CredentialDirectory[" + this.path + "]";
	}

}
