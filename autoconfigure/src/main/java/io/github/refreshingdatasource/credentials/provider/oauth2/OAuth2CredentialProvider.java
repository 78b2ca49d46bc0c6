package io.github.refreshingdatasource.credentials.provider.oauth2;

import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.DbCredential;

/**
 * The {@code oauth2} provider of one DataSource: the access token is the password, with
 * the expiry the endpoint states in {@code expires_in}; the username is the DataSource's
 * own. Several providers may share one {@link OAuth2TokenSource}.
 */
public final class OAuth2CredentialProvider implements CredentialProvider {

	private final OAuth2TokenSource source;

	OAuth2CredentialProvider(OAuth2TokenSource source) {
		this.source = source;
	}

	@Override
	public DbCredential fetch() throws Exception {
		OAuth2TokenSource.AccessToken token = this.source.token(this);
		return DbCredential.of(null, token.value, token.expiresAt);
	}

	public OAuth2TokenSource getSource() {
		return this.source;
	}

	@Override
	public String toString() {
		return "OAuth2CredentialProvider[" + this.source.getClient() + "]";
	}

}
