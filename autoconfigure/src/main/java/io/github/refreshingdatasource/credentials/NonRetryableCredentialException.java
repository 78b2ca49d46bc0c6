package io.github.refreshingdatasource.credentials;

/**
 * Thrown by a {@link CredentialProvider} when asking again cannot help until someone acts:
 * a revoked refresh token, a client the identity service does not know. The
 * {@link CredentialCache} does not retry it within a refresh; the next scheduled refresh
 * still asks again, so a fix made outside the application is picked up.
 * <p>
 * Like every provider exception, the message says what to do and holds no secret.
 */
public class NonRetryableCredentialException extends Exception {

	public NonRetryableCredentialException(String message) {
		super(message);
	}

	public NonRetryableCredentialException(String message, Throwable cause) {
		super(message, cause);
	}

}
