package io.github.refreshingdatasource.credentials.provider.oauth2;

import io.github.refreshingdatasource.credentials.NonRetryableCredentialException;

/**
 * The token endpoint refused the request with an OAuth2 error (RFC 6749 section 5.2), such
 * as {@code invalid_grant} or {@code invalid_client}: asking again with the same refresh
 * token or client secret gets the same answer, so it is not retried.
 */
public class OAuth2ErrorException extends NonRetryableCredentialException {

	/** The refresh token was revoked, already used, or expired. */
	public static final String INVALID_GRANT = "invalid_grant";

	private final String error;

	private final int status;

	OAuth2ErrorException(String message, String error, int status) {
		super(message);
		this.error = error;
		this.status = status;
	}

	/**
	 * The OAuth2 {@code error} code.
	 * @return the code, e.g. {@code invalid_grant}
	 */
	public String getError() {
		return this.error;
	}

	/**
	 * The HTTP status of the answer.
	 * @return the status code
	 */
	public int getStatus() {
		return this.status;
	}

	/**
	 * Whether the refresh token was refused: revoked, reused or expired.
	 * @return {@code true} for {@code invalid_grant}
	 */
	public boolean isInvalidGrant() {
		return INVALID_GRANT.equals(this.error);
	}

}
