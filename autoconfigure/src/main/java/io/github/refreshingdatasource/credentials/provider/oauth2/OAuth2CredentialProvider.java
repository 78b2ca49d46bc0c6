package io.github.refreshingdatasource.credentials.provider.oauth2;

import java.util.concurrent.atomic.AtomicBoolean;

import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.DbCredential;

/**
 * The {@code oauth2} provider of one DataSource: the access token is the password, with
 * the expiry the endpoint states in {@code expires_in} (or the token's own {@code exp});
 * the username is the DataSource's own. Several providers may share one
 * {@link OAuth2TokenSource}; when the caches of all of them are closed, its exchange in
 * flight is ended.
 */
public final class OAuth2CredentialProvider implements CredentialProvider {

	private final OAuth2TokenSource source;

	private final AtomicBoolean released = new AtomicBoolean();

	OAuth2CredentialProvider(OAuth2TokenSource source) {
		this.source = source;
	}

	@Override
	public DbCredential fetch() throws Exception {
		OAuth2TokenSource.AccessToken token = this.source.token(this);
		return DbCredential.of(null, token.value, token.expiresAt);
	}

	/**
	 * No change is announced; the handle, closed with the cache, releases this provider's
	 * share of the source.
	 */
	@Override
	public AutoCloseable watch(Runnable listener) {
		return () -> {
			if (this.released.compareAndSet(false, true)) {
				this.source.released();
			}
		};
	}

	public OAuth2TokenSource getSource() {
		return this.source;
	}

	@Override
	public String toString() {
		return "OAuth2CredentialProvider[" + this.source.getClient() + "]";
	}

}
