package io.github.refreshingdatasource.credentials.provider.oauth2;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * What to ask a token endpoint for, and as whom. Two DataSources with equal registrations
 * share one {@link OAuth2TokenSource}.
 *
 * @param tokenUri the token endpoint
 * @param clientId the client id
 * @param clientSecret the client secret; {@code null} with {@link ClientAuthentication#NONE}
 * @param clientAuthentication how the client authenticates
 * @param grantType the grant
 * @param scope the scopes to ask for; empty to let the server choose
 * @param parameters further form parameters, such as {@code audience} or {@code resource}
 */
public record OAuth2Client(URI tokenUri, String clientId, @Nullable String clientSecret,
		ClientAuthentication clientAuthentication, GrantType grantType, List<String> scope,
		Map<String, String> parameters) {

	public OAuth2Client {
		Assert.notNull(tokenUri, "tokenUri must not be null");
		Assert.hasText(clientId, "clientId must not be empty");
		Assert.isTrue(clientAuthentication == ClientAuthentication.NONE || (clientSecret != null && !clientSecret.isEmpty()),
				"client authentication " + clientAuthentication + " needs a client secret");
		scope = List.copyOf(scope);
		parameters = Map.copyOf(parameters);
	}

	@Override
	public String toString() {
		return "OAuth2Client[tokenUri=" + this.tokenUri + ", clientId=" + this.clientId + ", clientAuthentication="
				+ this.clientAuthentication + ", grantType=" + this.grantType + ", scope=" + this.scope + "]";
	}

}
