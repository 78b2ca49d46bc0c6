package io.github.refreshingdatasource.credentials.provider.oauth2;

/**
 * How the access token is obtained.
 */
public enum GrantType {

	/** The client authenticates as itself (RFC 6749 section 4.4): services, daemons. */
	CLIENT_CREDENTIALS("client_credentials"),

	/**
	 * A refresh token obtained once by a user's authorization is exchanged for access tokens
	 * (RFC 6749 section 6); the endpoint may answer with a new refresh token each time.
	 */
	REFRESH_TOKEN("refresh_token");

	private final String parameterValue;

	GrantType(String parameterValue) {
		this.parameterValue = parameterValue;
	}

	/**
	 * The {@code grant_type} parameter value.
	 * @return the value sent to the token endpoint
	 */
	public String parameterValue() {
		return this.parameterValue;
	}

}
