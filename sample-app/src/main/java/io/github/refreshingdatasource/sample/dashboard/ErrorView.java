package io.github.refreshingdatasource.sample.dashboard;

import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialSnapshot;
import org.jspecify.annotations.Nullable;

/**
 * A failure as the dashboard shows it: exception type and message, with any secret the
 * cache knows redacted (as the Actuator endpoint does).
 *
 * @param type the exception's simple class name
 * @param message its message
 */
public record ErrorView(String type, @Nullable String message) {

	static @Nullable ErrorView of(CredentialSnapshot.@Nullable Failure failure, CredentialCache cache) {
		// Already redacted by the cache.
		return (failure != null) ? new ErrorView(failure.type(), failure.message()) : null;
	}

	static ErrorView of(Throwable failure, CredentialCache cache) {
		// Listeners get sanitized failures; redacting again costs nothing and keeps this safe alone.
		String message = failure.getMessage();
		return new ErrorView(failure.getClass().getSimpleName(), (message != null) ? cache.redact(message) : null);
	}

}
