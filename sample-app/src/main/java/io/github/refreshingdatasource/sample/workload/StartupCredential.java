package io.github.refreshingdatasource.sample.workload;

import java.time.Instant;

import io.github.refreshingdatasource.credentials.DbCredential;
import org.jspecify.annotations.Nullable;

/**
 * The credential the plain lane read once at startup and logs in with for ever, described
 * without its secret to everyone but the plain pool.
 */
public final class StartupCredential {

	private final DbCredential credential;

	StartupCredential(DbCredential credential) {
		this.credential = credential;
	}

	DbCredential credential() {
		return this.credential;
	}

	public @Nullable String username() {
		return this.credential.username();
	}

	public String fingerprint() {
		return this.credential.fingerprint();
	}

	public @Nullable Instant expiresAt() {
		return this.credential.expiresAt();
	}

	@Override
	public String toString() {
		return "StartupCredential[" + this.credential + "]";
	}

}
