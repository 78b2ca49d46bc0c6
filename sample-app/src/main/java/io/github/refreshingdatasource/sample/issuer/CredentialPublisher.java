package io.github.refreshingdatasource.sample.issuer;

import io.github.refreshingdatasource.credentials.DbCredential;

/**
 * Told what the demo issuer does. The demo's own are the {@link CredentialFile}s; every bean
 * of this type is told.
 */
public interface CredentialPublisher {

	/**
	 * A credential was issued; the database accepts it until its expiry.
	 * @param audience who it is for
	 * @param credential the credential, with its secret
	 */
	void publish(Audience audience, DbCredential credential);

	/**
	 * The token source is broken: what was published must no longer be readable as a
	 * credential.
	 */
	default void unavailable() {
	}

	/**
	 * The credentials published last were revoked: the database refuses them from now on,
	 * and their replacements follow after the revoke delay. What was published stays as it
	 * is until then, as a Vault Agent's file does until the agent renders the next secret.
	 */
	default void revoked() {
	}

}
