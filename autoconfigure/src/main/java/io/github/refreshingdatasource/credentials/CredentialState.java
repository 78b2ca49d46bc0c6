package io.github.refreshingdatasource.credentials;

import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What the cache serves and what it knows about it: the current credential, whether it
 * logged in, the last failure, the lockout guard and the rejected-credential backoff. It
 * decides what a fetched credential, a failure, a rejected or a successful login mean;
 * the cache does the threads. Writes are serialized on this object; reads on the hot
 * path are single volatile reads.
 */
final class CredentialState {

	private final RefreshSettings settings;

	private final LockoutGuard guard;

	private final RejectionBackoff backoff;

	private final Redactor redactor;

	private final CacheLog log;

	private volatile @Nullable ServedCredential current;

	/** The current credential once a login with it succeeded; rejections of others count. */
	private volatile @Nullable ServedCredential confirmed;

	private volatile @Nullable Failure lastFailure;

	private volatile @Nullable Instant lastSuccessAt;

	/** The confirmed credential served before the current one, while it may still log in. */
	private @Nullable ServedCredential lastConfirmed;

	/** A fresh credential the database refused while the last confirmed one still logs in. */
	private volatile @Nullable DbCredential refused;

	CredentialState(RefreshSettings settings, Redactor redactor, CacheLog log) {
		this(settings, redactor, log, LockoutLedger.inProcess());
	}

	CredentialState(RefreshSettings settings, Redactor redactor, CacheLog log, LockoutLedger lockoutLedger) {
		this.settings = settings;
		this.guard = new LockoutGuard(settings.lockout(), lockoutLedger);
		this.backoff = new RejectionBackoff(settings.retry());
		this.redactor = redactor;
		this.log = log;
	}

	@Nullable ServedCredential current() {
		return this.current;
	}

	@Nullable Failure lastFailure() {
		return this.lastFailure;
	}

	@Nullable Instant lastSuccessAt() {
		return this.lastSuccessAt;
	}

	LockoutGuard guard() {
		return this.guard;
	}

	/**
	 * Take a fetched credential.
	 * @return what it means for the caller's logs and listeners
	 */
	synchronized Accepted accept(DbCredential fetched, Instant now) {
		boolean recovered = this.lastFailure != null;
		ServedCredential previous = this.current;
		long millis = now.toEpochMilli();
		DbCredential refusedBefore = this.refused;
		if (refusedBefore != null) {
			if (fetched.sameLogin(refusedBefore) && previous != null && previous == this.confirmed
					&& millis < previous.usableUntil) {
				// The source still returns the credential the database refused: keep logging
				// in with the one that works, and ask again later, backing off.
				this.backoff.returnedAgain(millis);
				this.lastFailure = null;
				this.lastSuccessAt = now;
				return new Accepted(previous, false, true, true, false, Math.max(this.backoff.notBefore() - millis, 0));
			}
			// Something else (or the old one has expired): judge it afresh.
			this.refused = null;
		}
		boolean same = previous != null && previous.credential.sameLogin(fetched);
		this.redactor.remember(fetched.secret());
		// Keep a clamped expiry across refreshes of the same credential only while it
		// lasts; once passed, a fetch that still returns it clamps it afresh.
		Instant effectiveExpiry;
		if (same && previous.effectiveExpiry != null && previous.effectiveExpiry.isAfter(now)
				&& Objects.equals(previous.credential.expiresAt(), fetched.expiresAt())) {
			effectiveExpiry = previous.effectiveExpiry;
		}
		else {
			this.log.clamped(fetched, RefreshSchedule.clampOf(fetched.expiresAt(), now));
			effectiveExpiry = RefreshSchedule.effectiveExpiry(fetched.expiresAt(), now);
		}
		boolean stillRejected = this.backoff.isRejected(fetched);
		if (previous != null && !same && this.confirmed == previous && !previous.rejected) {
			this.lastConfirmed = previous;
		}
		// During a pause the source's word changes nothing unless it is a new credential.
		ServedCredential accepted = new ServedCredential(fetched, effectiveExpiry, now,
				stillRejected && this.guard.pausedAt(millis));
		if (same && this.confirmed == previous && !previous.rejected) {
			this.confirmed = accepted;
		}
		if (stillRejected) {
			boolean first = this.backoff.returnedAgain(millis);
			this.log.stillRejected(fetched, Instant.ofEpochMilli(this.backoff.notBefore()), first);
		}
		else {
			this.backoff.clear();
			// The source changed while logins were paused: it may have been fixed. A new
			// credential fetched because of a rejection, or after a pause, continues the run.
			if (this.guard.pausedAt(millis) && this.guard.reset()) {
				this.log.resumed("new credential " + fetched.fingerprint() + " from the source");
			}
		}
		this.current = accepted;
		this.lastFailure = null;
		this.lastSuccessAt = now;
		// Same login with a renewed expiry (a lease extended) is a change worth telling.
		boolean unchanged = same && Objects.equals(previous.credential.expiresAt(), fetched.expiresAt());
		return new Accepted(accepted, previous != null && !same, unchanged, stillRejected, recovered, -1);
	}

	/**
	 * Record a refresh that failed every attempt.
	 * @return whether it is the first failure since the last success
	 */
	synchronized boolean fail(Throwable failure, long now, long retryNotBefore) {
		boolean first = this.lastFailure == null;
		this.lastFailure = new Failure(failure, Instant.ofEpochMilli(now), retryNotBefore);
		return first;
	}

	/**
	 * The database rejected a login.
	 * @return the pause taken in milliseconds; 0 to re-fetch now; -1 to do nothing
	 */
	synchronized long rejected(DbCredential rejected, @Nullable Throwable reason, long now) {
		ServedCredential current = this.current;
		if (current == null || current.rejected || !current.credential.sameLogin(rejected)) {
			return -1;
		}
		this.guard.reason(reason);
		ServedCredential fallback = this.lastConfirmed;
		if (this.confirmed != current && fallback != null && now < fallback.usableUntil
				&& !fallback.credential.sameLogin(rejected)) {
			// A fresh credential the database refuses while the previous one still logs in
			// (a broken template, a half-applied rotation): keep the previous one, report the
			// new one, and re-fetch with backoff until the source returns something else.
			this.refused = current.credential;
			this.backoff.rejected(current.credential);
			this.current = fallback;
			this.confirmed = fallback;
			this.log.refusedNewCredential(current.credential, fallback.credential, fallback.effectiveExpiry);
			return 0;
		}
		long pause = 0;
		// A credential that has logged in before was revoked; the re-fetch fixes that.
		// One that never did may be wrong at the source, and trying it again risks a lockout.
		if (this.confirmed != current) {
			pause = this.guard.countRejection(now);
		}
		if (pause == 0 && this.backoff.holdsOff(rejected, now)) {
			return -1;
		}
		this.backoff.rejected(current.credential);
		this.current = current.markRejected();
		if (pause > 0) {
			this.log.paused(this.guard.consecutiveRejections(), rejected, Instant.ofEpochMilli(this.guard.pausedUntil()),
					pause);
		}
		else {
			this.log.rejected(rejected);
		}
		return pause;
	}

	/** A login succeeded: the first success of the current credential confirms it. */
	void loginSucceeded(@Nullable String username, String secret) {
		ServedCredential current = this.current;
		if (current == null || this.confirmed == current || current.rejected
				|| !Objects.equals(current.credential.username(), username) || !current.credential.sameSecret(secret)) {
			return;
		}
		this.confirmed = current;
		// A rejection that never counted (a revoked credential, a refused new one) still
		// shows as the last rejection until a new credential logs in.
		if ((this.guard.consecutiveRejections() != 0 || this.guard.lastRejection() != null) && resetGuard()) {
			this.log.resumed("login succeeded");
		}
	}

	synchronized boolean resetGuard() {
		return this.guard.reset();
	}

	/** The fresh credential the database refused while the previous one is served, if any. */
	@Nullable DbCredential refused() {
		return this.refused;
	}

	/**
	 * Describe what is served and known now, without a secret: failures become redacted
	 * {@link CredentialSnapshot.Failure} records.
	 */
	CredentialSnapshot snapshot(String dataSourceName, String providerType, long now, boolean refreshing,
			@Nullable Instant nextRefreshAt, @Nullable Instant providerStuckSince, int providerThreads) {
		ServedCredential served = this.current;
		Failure failure = this.lastFailure;
		DbCredential credential = (served != null) ? served.credential : null;
		boolean paused = this.guard.pausedAt(now);
		Throwable rejection = this.guard.lastRejection();
		DbCredential refusedNow = this.refused;
		return new CredentialSnapshot(dataSourceName, providerType, (credential != null) ? credential.username() : null,
				(credential != null) ? credential.fingerprint() : null, (served != null) ? served.fetchedAt : null,
				(served != null) ? served.effectiveExpiry : null, served != null && now < served.usableUntil,
				served != null && served.rejected, refreshing, nextRefreshAt,
				(failure != null) ? CredentialSnapshot.Failure.of(failure.cause(), this.redactor::redact) : null,
				(failure != null) ? failure.at() : null, this.lastSuccessAt,
				(rejection != null) ? CredentialSnapshot.Failure.of(rejection, this.redactor::redact) : null,
				paused ? Instant.ofEpochMilli(this.guard.pausedUntil()) : null,
				paused ? this.guard.consecutiveRejections()
						+ " rejected logins in a row with credentials that never logged in (lockout guard)" : null,
				providerStuckSince, providerThreads, (refusedNow != null) ? refusedNow.fingerprint() : null);
	}

	/**
	 * What a fetched credential meant.
	 * @param current what is served now
	 * @param rotated whether it differs from the login served before (false for the first)
	 * @param unchanged whether the refresh changed nothing: the credential served, or the
	 * refused one, came back as it was
	 * @param retryIn when to fetch again (millis), or -1 for the regular schedule
	 */
	record Accepted(ServedCredential current, boolean rotated, boolean unchanged, boolean stillRejected,
			boolean recovered, long retryIn) {
	}

	/** A refresh that failed every attempt; {@code cause} is the raw failure, for callers only. */
	record Failure(Throwable cause, Instant at, long retryNotBefore) {
	}

}
