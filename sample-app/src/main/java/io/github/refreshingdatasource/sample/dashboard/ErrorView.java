package io.github.refreshingdatasource.sample.dashboard;

import io.github.refreshingdatasource.credentials.CredentialCache;
import org.jspecify.annotations.Nullable;

/**
 * A failure as the dashboard shows it: exception type and message, with any secret the
 * cache knows redacted (as the Actuator endpoint does).
 *
 * @param type the exception's simple class name
 * @param message its message
 */
public record ErrorView(String type, @Nullable String message) {

	static @Nullable ErrorView of(@Nullable Throwable failure, CredentialCache cache) {
		if (failure == null) {
			return null;
		}
		String message = failure.getMessage();
		return new ErrorView(failure.getClass().getSimpleName(), (message != null) ? cache.redact(message) : null);
	}

}
