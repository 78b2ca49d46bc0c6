package io.github.refreshingdatasource.credentials.provider.vault;

/**
 * Short descriptions of Spring Vault's failures for log lines and messages. Vault's error
 * answers ({@code {"errors": [...]}}) carry no secrets; response bodies of successful
 * calls never reach an exception.
 */
final class VaultErrors {

	private VaultErrors() {
	}

	static String describe(Throwable failure) {
		String message = failure.getMessage();
		return failure.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

}
