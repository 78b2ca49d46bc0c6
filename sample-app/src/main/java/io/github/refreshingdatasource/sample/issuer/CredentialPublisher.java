package io.github.refreshingdatasource.sample.issuer;

import io.github.refreshingdatasource.credentials.DbCredential;

/**
 * Where the demo issuer publishes what it issues. The demo's own is {@link CredentialFile};
 * every bean of this type is told.
 */
public interface CredentialPublisher {

	/**
	 * A credential was issued; the database accepts it until its expiry.
	 * @param credential the credential, with its secret
	 */
	void publish(DbCredential credential);

	/**
	 * The token source is broken: what was published must no longer be readable as a
	 * credential.
	 */
	default void unavailable() {
	}

}
