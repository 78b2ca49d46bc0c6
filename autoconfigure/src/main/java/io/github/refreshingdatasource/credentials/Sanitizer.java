package io.github.refreshingdatasource.credentials;

import java.lang.reflect.Constructor;
import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;

/**
 * Copies an exception chain with every message redacted, so what the engine hands out
 * (causes, listener arguments, Observation errors) carries no secret, while types, stack
 * traces and SQL states survive. JDK exception types are rebuilt as themselves (an
 * {@link SQLException} keeps its SQLState and vendor code); any other type becomes a
 * {@link SanitizedException} that names it, since running an unknown constructor could do
 * anything.
 */
final class Sanitizer {

	private static final int MAX_DEPTH = 16;

	private final UnaryOperator<String> redact;

	Sanitizer(UnaryOperator<String> redact) {
		this.redact = redact;
	}

	Throwable sanitize(Throwable failure) {
		// Nothing to redact anywhere in the chain: hand on the original, every type intact.
		return clean(failure, new IdentityHashMap<>(), 0) ? failure : copy(failure, new IdentityHashMap<>(), 0);
	}

	private boolean clean(Throwable failure, Map<Throwable, Throwable> seen, int depth) {
		if (seen.put(failure, failure) != null) {
			return true;
		}
		String message = failure.getMessage();
		if (depth > MAX_DEPTH || (message != null && !message.equals(this.redact.apply(message)))) {
			return false;
		}
		for (Throwable suppressed : failure.getSuppressed()) {
			if (!clean(suppressed, seen, depth + 1)) {
				return false;
			}
		}
		return failure.getCause() == null || clean(failure.getCause(), seen, depth + 1);
	}

	private Throwable copy(Throwable original, Map<Throwable, Throwable> seen, int depth) {
		Throwable done = seen.get(original);
		if (done != null) {
			return done;
		}
		String message = (original.getMessage() != null) ? this.redact.apply(original.getMessage()) : null;
		Throwable copy = rebuild(original, message);
		seen.put(original, copy);
		copy.setStackTrace(original.getStackTrace());
		Throwable cause = original.getCause();
		if (cause != null && cause != original && depth < MAX_DEPTH) {
			try {
				copy.initCause(copy(cause, seen, depth + 1));
			}
			catch (IllegalStateException ex) {
				// The constructor already set a cause; the rebuilt types do not, but be safe.
			}
		}
		for (Throwable suppressed : original.getSuppressed()) {
			if (depth < MAX_DEPTH) {
				copy.addSuppressed(copy(suppressed, seen, depth + 1));
			}
		}
		return copy;
	}

	private static Throwable rebuild(Throwable original, @Nullable String message) {
		if (original instanceof SanitizedException sanitized) {
			return SanitizedException.copyOf(sanitized, message);
		}
		Class<? extends Throwable> type = original.getClass();
		if (type.getName().startsWith("java.") || type.getName().startsWith("javax.")) {
			try {
				if (original instanceof SQLException sql) {
					Constructor<? extends Throwable> constructor = type.getConstructor(String.class, String.class,
							int.class);
					return constructor.newInstance(message, sql.getSQLState(), sql.getErrorCode());
				}
				return type.getConstructor(String.class).newInstance(message);
			}
			catch (ReflectiveOperationException | RuntimeException ex) {
				// No such constructor: fall through to the stand-in.
			}
		}
		if (original instanceof SQLException sql) {
			return new SQLException(original.getClass().getName() + ": " + message, sql.getSQLState(),
					sql.getErrorCode());
		}
		return new SanitizedException(type.getName(), message);
	}

}
