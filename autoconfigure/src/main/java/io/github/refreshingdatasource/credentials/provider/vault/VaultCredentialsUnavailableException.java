package io.github.refreshingdatasource.credentials.provider.vault;

import org.jspecify.annotations.Nullable;

/**
 * Vault gave no usable credentials; the message says why, without any secret.
 */
public final class VaultCredentialsUnavailableException extends Exception {

	VaultCredentialsUnavailableException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
