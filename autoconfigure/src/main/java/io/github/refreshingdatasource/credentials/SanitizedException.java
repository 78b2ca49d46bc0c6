package io.github.refreshingdatasource.credentials;

import org.jspecify.annotations.Nullable;

/**
 * Stands in, in a sanitized cause chain, for an exception whose type the engine does not
 * rebuild: it names the original type and carries its redacted message and stack trace.
 */
public final class SanitizedException extends RuntimeException {

	private final String originalType;

	SanitizedException(String originalType, @Nullable String message) {
		this(originalType, message, false);
	}

	private SanitizedException(String originalType, @Nullable String message, boolean full) {
		super(full ? message : originalType + ((message != null) ? ": " + message : ""));
		this.originalType = originalType;
	}

	/** A copy of a stand-in whose (redacted) message already names the type. */
	static SanitizedException copyOf(SanitizedException original, @Nullable String message) {
		return new SanitizedException(original.originalType, message, true);
	}

	/**
	 * The fully qualified name of the exception type this stands in for.
	 * @return the type name
	 */
	public String getOriginalType() {
		return this.originalType;
	}

}
