package io.github.refreshingdatasource.credentials;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Pattern;

/**
 * Removes secrets from text shown to operators: every secret the cache served recently
 * (a bounded set, so a secret rotated out twice is still masked) and text shaped like a
 * credential, which catches secrets the cache never served (a provider echoing a token it
 * did not return).
 */
final class Redactor {

	static final String MASK = "******";

	private static final int REMEMBERED = 8;

	// Long runs exclude '/', so file paths stay readable in messages.
	// TODO: switch to io.github.refreshingdatasource.credentials.provider.SecretMask.mask(String)
	// once the providers branch lands; until then a small stand-in for its shapes.
	private static final Pattern SHAPES = Pattern.compile("eyJ[A-Za-z0-9_-]{4,}(\\.[A-Za-z0-9_-]*){0,2}"
			+ "|(?i)(?<=(?:token|password|passwd|secret|pwd|api[_-]?key)[\"']?\\s{0,3}[=:]\\s{0,3}[\"']?)[^\\s\"',;&]+"
			+ "|(?i)(?<=bearer\\s)[^\\s\"',;]+" + "|[A-Za-z0-9+_=-]{32,}");

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

	/** The one call site for credential-shaped text; see the TODO on {@link #SHAPES}. */
	static String maskShapes(String text) {
		return SHAPES.matcher(text).replaceAll(MASK);
	}

}
