package io.github.refreshingdatasource.autoconfigure.provider.oauth2;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.refreshingdatasource.credentials.provider.oauth2.ClientAuthentication;
import io.github.refreshingdatasource.credentials.provider.oauth2.GrantType;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * An OAuth2 token endpoint whose access token is the password.
 */
@ConfigurationProperties("refreshing.datasource.provider.oauth2")
public class OAuth2ProviderSettings {

	/**
	 * Token endpoint URI, for example https://login.example.com/oauth2/token.
	 */
	private @Nullable URI tokenUri;

	/**
	 * Grant used to obtain access tokens.
	 */
	private GrantType grantType = GrantType.CLIENT_CREDENTIALS;

	/**
	 * Client identifier.
	 */
	private @Nullable String clientId;

	/**
	 * Client secret. Not needed with client-authentication 'none'.
	 */
	private @Nullable String clientSecret;

	/**
	 * How the client authenticates to the token endpoint.
	 */
	private ClientAuthentication clientAuthentication = ClientAuthentication.CLIENT_SECRET_BASIC;

	/**
	 * Scopes to request. When empty, the token endpoint chooses.
	 */
	private List<String> scope = new ArrayList<>();

	/**
	 * Further form parameters of the token request, such as 'audience' or 'resource'.
	 */
	private Map<String, String> parameters = new LinkedHashMap<>();

	/**
	 * Refresh token to start from, with the refresh-token grant. When the store is a
	 * file holding a newer token of the same chain, the file wins.
	 */
	private @Nullable String refreshToken;

	/**
	 * Where the newest refresh token is kept when the token endpoint rotates it.
	 */
	private RefreshTokenStoreType refreshTokenStore = RefreshTokenStoreType.MEMORY;

	/**
	 * File holding the newest refresh token, with refresh-token-store 'file'. Written
	 * atomically, readable by its owner only.
	 */
	private @Nullable Path refreshTokenFile;

	public @Nullable URI getTokenUri() {
		return this.tokenUri;
	}

	public void setTokenUri(@Nullable URI tokenUri) {
		this.tokenUri = tokenUri;
	}

	public GrantType getGrantType() {
		return this.grantType;
	}

	public void setGrantType(GrantType grantType) {
		this.grantType = grantType;
	}

	public @Nullable String getClientId() {
		return this.clientId;
	}

	public void setClientId(@Nullable String clientId) {
		this.clientId = clientId;
	}

	public @Nullable String getClientSecret() {
		return this.clientSecret;
	}

	public void setClientSecret(@Nullable String clientSecret) {
		this.clientSecret = clientSecret;
	}

	public ClientAuthentication getClientAuthentication() {
		return this.clientAuthentication;
	}

	public void setClientAuthentication(ClientAuthentication clientAuthentication) {
		this.clientAuthentication = clientAuthentication;
	}

	public List<String> getScope() {
		return this.scope;
	}

	public void setScope(List<String> scope) {
		this.scope = scope;
	}

	public Map<String, String> getParameters() {
		return this.parameters;
	}

	public void setParameters(Map<String, String> parameters) {
		this.parameters = parameters;
	}

	public @Nullable String getRefreshToken() {
		return this.refreshToken;
	}

	public void setRefreshToken(@Nullable String refreshToken) {
		this.refreshToken = refreshToken;
	}

	public RefreshTokenStoreType getRefreshTokenStore() {
		return this.refreshTokenStore;
	}

	public void setRefreshTokenStore(RefreshTokenStoreType refreshTokenStore) {
		this.refreshTokenStore = refreshTokenStore;
	}

	public @Nullable Path getRefreshTokenFile() {
		return this.refreshTokenFile;
	}

	public void setRefreshTokenFile(@Nullable Path refreshTokenFile) {
		this.refreshTokenFile = refreshTokenFile;
	}

	@Override
	public String toString() {
		return "OAuth2ProviderSettings[tokenUri=" + this.tokenUri + ", clientId=" + this.clientId + ", grantType=" + this.grantType
				+ "]";
	}

	/**
	 * Where a rotating refresh token is kept.
	 */
	public enum RefreshTokenStoreType {

		/** In memory: a restart starts again from the configured refresh token. */
		MEMORY,

		/** In a file, so a restart continues the chain. */
		FILE

	}

}
