package io.github.refreshingdatasource.credentials.provider;

import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.DbCredential;
import org.jspecify.annotations.Nullable;

/**
 * A fixed username and password that never expire: for development and tests, where the
 * database has no rotating credentials but the application is wired as if it had.
 */
public final class StaticCredentialProvider implements CredentialProvider {

	private final DbCredential credential;

	/**
	 * Create a provider of a fixed login.
	 * @param username the username, or {@code null} to keep the DataSource's own
	 * @param password the password; must not be empty
	 */
	public StaticCredentialProvider(@Nullable String username, String password) {
		this.credential = DbCredential.of(username, password, null);
	}

	@Override
	public DbCredential fetch() {
		return this.credential;
	}

	@Override
	public String toString() {
		return "StaticCredentialProvider[username=" + this.credential.username() + "]";
	}

}
