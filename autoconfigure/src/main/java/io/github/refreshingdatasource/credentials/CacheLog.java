package io.github.refreshingdatasource.credentials;

import java.time.Duration;
import java.time.Instant;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Every log line of one cache, in one place: each names the DataSource and provider type,
 * describes credentials by fingerprint and passes failure text through the redactor.
 * Logs under the {@code CredentialCache} category, as before the split.
 */
final class CacheLog {

	private static final Log logger = LogFactory.getLog(CredentialCache.class);

	private final String prefix;

	private final Redactor redactor;

	private final Sanitizer sanitizer;

	CacheLog(String dataSourceName, String providerType, Redactor redactor) {
		this.prefix = dataSourceName + " (provider " + providerType + "): ";
		this.redactor = redactor;
		this.sanitizer = new Sanitizer(redactor::redact);
	}

	/** The failure as it may leave the engine: a copy of its chain with messages redacted. */
	Throwable sanitize(Throwable failure) {
		return this.sanitizer.sanitize(failure);
	}

	String redact(String text) {
		return this.redactor.redact(text);
	}

	String describe(Throwable failure) {
		return this.redactor.redact(plain(failure));
	}

	/** Type and message, not redacted yet: only for text that is redacted whole afterwards. */
	static String plain(Throwable failure) {
		String message = failure.getMessage();
		return failure.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

	void serving(DbCredential credential, @Nullable Instant expiry, @Nullable Instant nextRefreshAt) {
		logger.info(this.prefix + "serving credential " + credential.fingerprint() + " for user "
				+ credential.username() + ", expires " + ((expiry != null) ? expiry : "never") + ", next refresh "
				+ nextRefreshAt);
	}

	void clamped(DbCredential credential, RefreshSchedule.Clamp clamp) {
		if (clamp == RefreshSchedule.Clamp.ALREADY_EXPIRED) {
			logger.warn(this.prefix + "credential " + credential.fingerprint() + " is stated to have expired at "
					+ credential.expiresAt() + " (clock skew?); using it for " + RefreshSchedule.PAST_EXPIRY_GRACE
					+ " and until the database rejects it");
		}
		else if (clamp == RefreshSchedule.Clamp.TOO_LONG) {
			logger.warn(this.prefix + "credential " + credential.fingerprint() + " is stated to expire at "
					+ credential.expiresAt() + "; treating it as expiring in " + RefreshSchedule.MAX_LIFETIME);
		}
	}

	void stillRejected(DbCredential credential, Instant notBefore, boolean first) {
		String message = this.prefix + "the database rejected credential " + credential.fingerprint()
				+ " and the source still returns it; next forced re-fetch not before " + notBefore;
		if (first) {
			logger.warn(message);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(message);
		}
	}

	void refreshFailed(RefreshCause cause, Throwable failure, int attempts, @Nullable String serving,
			@Nullable Instant nextAttempt, boolean first) {
		String message = this.prefix + "refresh (" + cause.tagValue() + ") failed "
				+ ((failure instanceof NonRetryableCredentialException) ? "(not retried)"
						: "after " + attempts + " attempt(s)")
				+ ": " + describe(failure) + "; " + ((serving != null) ? serving : "no valid credential")
				+ ", next attempt at " + nextAttempt;
		if (first) {
			logger.warn(message);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(message);
		}
	}

	void paused(int rejections, DbCredential rejected, Instant until, long pause) {
		logger.warn(this.prefix + "the database rejected " + rejections + " logins in a row with credentials that "
				+ "never logged in (last: user " + rejected.username() + ", credential " + rejected.fingerprint()
				+ "); to keep the account from being locked, no login is attempted until " + until + " (pause "
				+ Duration.ofMillis(pause) + ", then one try). A new credential from the source, a successful "
				+ "login or a manual refresh ends the pause.");
	}

	void refusedNewCredential(DbCredential refused, DbCredential kept, @Nullable Instant keptUntil) {
		logger.warn(this.prefix + "the database refused new credential " + refused.fingerprint()
				+ ", which never logged in, while credential " + kept.fingerprint()
				+ " still does; logging in with " + kept.fingerprint() + " (valid until "
				+ ((keptUntil != null) ? keptUntil : "it is revoked") + ") and re-fetching with backoff");
	}

	void resumed(String why) {
		logger.info(this.prefix + why + "; logins resume");
	}

	void rejected(DbCredential credential) {
		if (logger.isDebugEnabled()) {
			logger.debug(this.prefix + "database rejected credential " + credential.fingerprint()
					+ ", fetching a new one");
		}
	}

	void stuck(Instant since, int threadsHeld) {
		logger.warn(this.prefix + "provider call stuck since " + since + ", " + threadsHeld
				+ " threads held; serving the still-valid credential, no new call until it returns");
	}

	void unstuck(Instant since) {
		logger.info(this.prefix + "provider call stuck since " + since + " returned; refreshing resumes");
	}

	void callbackFailed(Object listener, String callback, Throwable failure) {
		logger.warn(this.prefix + listener.getClass().getName() + "." + callback + " failed: " + describe(failure));
	}

	void watchCloseFailed(Throwable failure) {
		logger.debug(this.prefix + "failed to stop watching the credential source: " + describe(failure));
	}

	void providerCloseFailed(Throwable failure) {
		logger.warn(this.prefix + "failed to close the provider: " + describe(failure));
	}

	void leftBehind(int threads) {
		logger.warn(this.prefix + "closed with " + threads
				+ " thread(s) still inside the provider; they end when its call returns (daemon threads)");
	}

}
