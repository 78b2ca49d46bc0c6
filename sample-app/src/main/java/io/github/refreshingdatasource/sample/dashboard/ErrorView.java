package io.github.refreshingdatasource.sample.dashboard;

import org.jspecify.annotations.Nullable;

/**
 * A failure as the dashboard shows it: exception type and message. The starter's messages
 * name files, programs and datasources, never a secret.
 *
 * @param type the exception's simple class name
 * @param message its message
 */
public record ErrorView(String type, @Nullable String message) {

	static @Nullable ErrorView of(@Nullable Throwable failure) {
		return (failure != null) ? new ErrorView(failure.getClass().getSimpleName(), failure.getMessage()) : null;
	}

}
