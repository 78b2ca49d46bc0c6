package io.github.refreshingdatasource.credentials.provider.oauth2;

/**
 * How the client proves its identity to the token endpoint (RFC 6749 section 2.3.1).
 */
public enum ClientAuthentication {

	/** Client id and secret in an HTTP Basic {@code Authorization} header. */
	CLIENT_SECRET_BASIC,

	/** Client id and secret as {@code client_id} and {@code client_secret} form parameters. */
	CLIENT_SECRET_POST,

	/** A public client: only {@code client_id} is sent. */
	NONE

}
