package io.github.refreshingdatasource.credentials.provider;

import java.util.Locale;
import java.util.Set;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks credential-shaped text in output that a provider quotes in an exception message
 * (a program's standard error, a token service's error body). Such text is written by
 * someone else, so it may hold a secret the engine has never seen — a new token that a
 * script echoes under {@code set -x} — and redaction of known secrets cannot catch it.
 * <p>
 * What is replaced by {@value #MASK}, case-insensitively:
 * <ul>
 * <li>the value after a secret-named key and {@code =}: {@code token=}, {@code PGPASSWORD=},
 * {@code pwd=}, {@code client_secret=}, {@code X-Amz-Signature=}, {@code X-Amz-Security-Token=},
 * {@code api_key=}; after {@code :} when the key is quoted ({@code "password": "…"}), is a
 * header- or field-style name ({@code access_token:}, {@code X-Vault-Token:}) or is
 * {@code password}, {@code secret} or {@code Authorization}. A plain {@code token:} is kept,
 * so "cannot fetch token: connection refused" stays readable;</li>
 * <li>{@code Bearer …} and {@code Basic …} values;</li>
 * <li>JWTs: {@code eyJ} followed by three dot-separated base64url parts;</li>
 * <li>long runs of base64/base64url characters: 24 or more with upper case, lower case and
 * digits mixed (random key material is; words, paths and thread names are not), and 32 or
 * more hex digits, dashes allowed (hex keys, and UUIDs, which serve as tokens in older
 * Vault and some SaaS APIs — a UUID in an error message is a price worth paying).</li>
 * </ul>
 * SQLState codes, exit codes, host names, paths and ordinary sentences pass unchanged.
 * <p>
 * Work is bounded: only the first {@value #MAX_CHARS} characters are considered, the rest
 * is dropped with a marker, and every pattern is linear in its input (anchored at token
 * boundaries, bounded or possessive quantifiers), so a hostile megabyte costs microseconds.
 */
public final class SecretMask {

	/** What replaces a masked value. */
	public static final String MASK = "******";

	/** Characters considered; more is never needed to understand an error. */
	public static final int MAX_CHARS = 8 * 1024;

	private static final String KEYWORDS = "token|password|passwd|pwd|secret|signature|api[_-]?key|authorization";

	// Group 1 quote, 2 key, 3 separator, 4 value. The key prefix and suffix are bounded so a
	// long word costs at most 40 steps per start, and a start needs a non-word character before.
	private static final Pattern KEY_VALUE = Pattern.compile("(?<![\\w.-])([\"']?)([\\w.-]{0,40}?(?:" + KEYWORDS
			+ ")[\\w-]{0,40}+)\\1([ \\t]*[:=][ \\t]*)((?:(?:bearer|basic)[ \\t]+)?(?:\"[^\"\\r\\n]*+\"?|'[^'\\r\\n]*+'?|[^\\s&,;\"'}*]++))",
			Pattern.CASE_INSENSITIVE);

	private static final Set<String> COLON_KEYS = Set.of("password", "passwd", "secret", "authorization");

	private static final Pattern SCHEME_VALUE = Pattern.compile("\\b(bearer|basic)[ \\t]+(?!\\*)[A-Za-z0-9._~+/=-]++",
			Pattern.CASE_INSENSITIVE);

	private static final Pattern JWT = Pattern
		.compile("(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]*+\\.[A-Za-z0-9_-]++\\.[A-Za-z0-9_-]*+");

	private static final Pattern LONG_RUN = Pattern.compile("(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{24,}+={0,2}");

	private SecretMask() {
	}

	/**
	 * Mask credential-shaped text.
	 * @param text text written by someone else, for example a program's standard error
	 * @return the text with secrets replaced by {@value #MASK}, at most {@value #MAX_CHARS}
	 * characters of it plus a marker when longer
	 */
	public static String mask(String text) {
		String head = text;
		String tail = "";
		if (text.length() > MAX_CHARS) {
			head = text.substring(0, MAX_CHARS);
			tail = "... [" + (text.length() - MAX_CHARS) + " more characters dropped]";
		}
		String masked = KEY_VALUE.matcher(head).replaceAll(SecretMask::maskValue);
		masked = SCHEME_VALUE.matcher(masked).replaceAll((match) -> Matcher.quoteReplacement(match.group(1) + " " + MASK));
		masked = JWT.matcher(masked).replaceAll(MASK);
		masked = LONG_RUN.matcher(masked).replaceAll(SecretMask::maskRun);
		return masked + tail;
	}

	private static String maskValue(MatchResult match) {
		String quote = match.group(1);
		String key = match.group(2);
		String separator = match.group(3);
		String lowerKey = key.toLowerCase(Locale.ROOT);
		if (separator.indexOf(':') >= 0 && quote.isEmpty() && !lowerKey.startsWith("x-") && key.indexOf('_') < 0
				&& !COLON_KEYS.contains(lowerKey)) {
			// "token: connection refused" and "/usr/bin/get-token: not found" are prose, not a
			// key and its value.
			return Matcher.quoteReplacement(match.group());
		}
		String value = match.group(4);
		String valueQuote = (value.startsWith("\"") || value.startsWith("'")) ? value.substring(0, 1) : "";
		return Matcher.quoteReplacement(quote + key + quote + separator + valueQuote + MASK + valueQuote);
	}

	private static String maskRun(MatchResult match) {
		String run = match.group();
		return looksRandom(run) ? MASK : Matcher.quoteReplacement(run);
	}

	static boolean looksRandom(String run) {
		boolean upper = false;
		boolean lower = false;
		boolean digit = false;
		boolean hexOnly = true;
		int hexDigits = 0;
		for (int i = 0; i < run.length(); i++) {
			char c = run.charAt(i);
			upper |= (c >= 'A' && c <= 'Z');
			lower |= (c >= 'a' && c <= 'z');
			digit |= (c >= '0' && c <= '9');
			if (Character.digit(c, 16) >= 0) {
				hexDigits++;
			}
			else if (c != '-') {
				hexOnly = false;
			}
		}
		return (upper && lower && digit) || (hexOnly && hexDigits >= 32 && digit);
	}

}
