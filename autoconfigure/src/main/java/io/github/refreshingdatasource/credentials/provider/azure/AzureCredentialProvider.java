package io.github.refreshingdatasource.credentials.provider.azure;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.DbCredential;

import org.springframework.util.Assert;

/**
 * A Microsoft Entra ID access token as the password, from an Azure Identity
 * {@link TokenCredential} built once for this DataSource. The token's own expiry drives the
 * refresh; a new connection never asks for one.
 * <p>
 * Every fetch asks the credential again (no cached {@code Mono} whose failure would be
 * replayed forever), and waits at most the given timeout, whatever the credential's own
 * retry policy.
 */
public final class AzureCredentialProvider implements CredentialProvider {

	private final TokenCredential credential;

	private final String scope;

	private final Duration timeout;

	private final TokenRequestContext context;

	/**
	 * Create a provider.
	 * @param credential the credential; not shared with another DataSource unless the
	 * application chose so
	 * @param scope the scope, e.g. {@code https://ossrdbms-aad.database.windows.net/.default}
	 * @param timeout how long to wait for a token
	 */
	public AzureCredentialProvider(TokenCredential credential, String scope, Duration timeout) {
		Assert.notNull(credential, "credential must not be null");
		Assert.hasText(scope, "scope must not be empty");
		this.credential = credential;
		this.scope = scope;
		this.timeout = timeout;
		this.context = new TokenRequestContext().addScopes(scope);
	}

	@Override
	public DbCredential fetch() throws Exception {
		AccessToken token;
		try {
			token = this.credential.getToken(this.context).block(this.timeout);
		}
		catch (IllegalStateException ex) {
			// Reactor's block(timeout) reports the timeout this way.
			if (ex.getMessage() != null && ex.getMessage().startsWith("Timeout on blocking read")) {
				throw new TimeoutException("Azure Identity (" + credentialName() + ") returned no token for " + this.scope
						+ " within " + this.timeout);
			}
			throw ex;
		}
		if (token == null || token.getToken() == null || token.getToken().isEmpty()) {
			throw new IllegalStateException(
					"Azure Identity (" + credentialName() + ") returned no token for " + this.scope);
		}
		return DbCredential.of(null, token.getToken(), token.getExpiresAt().toInstant());
	}

	private String credentialName() {
		return this.credential.getClass().getSimpleName();
	}

	public String getScope() {
		return this.scope;
	}

	@Override
	public String toString() {
		return "AzureCredentialProvider[credential=" + credentialName() + ", scope=" + this.scope + "]";
	}

}
