package io.github.refreshingdatasource.credentials;

import java.util.ArrayDeque;
import java.util.Deque;

import io.github.refreshingdatasource.credentials.provider.SecretMask;

/**
 * Removes secrets from text shown to operators: every secret the cache served recently
 * (a bounded set, so a secret rotated out twice is still masked) and text shaped like a
 * credential, which catches secrets the cache never served (a provider echoing a token it
 * did not return).
 */
final class Redactor {

	static final String MASK = "******";

	private static final int REMEMBERED = 8;

	private final Deque<String> recent = new ArrayDeque<>();

	synchronized void remember(String secret) {
		if (secret.isEmpty() || this.recent.contains(secret)) {
			return;
		}
		this.recent.addFirst(secret);
		if (this.recent.size() > REMEMBERED) {
			this.recent.removeLast();
		}
	}

	String redact(String text) {
		String redacted = text;
		synchronized (this) {
			for (String secret : this.recent) {
				redacted = redacted.replace(secret, MASK);
			}
		}
		return maskShapes(redacted);
	}

	/** The one call site for credential-shaped text. */
	static String maskShapes(String text) {
		return SecretMask.mask(text);
	}

}
