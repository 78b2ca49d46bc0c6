package io.github.refreshingdatasource.credentials;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryListener;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.core.retry.Retryable;
import org.springframework.util.Assert;

/**
 * Keeps one valid credential for one DataSource.
 * <p>
 * {@link #get()} is the hot path: while the cached credential is valid it is two volatile
 * reads and one clock read, no lock and no call. Fetching happens on the cache's own
 * threads: ahead of expiry (on a schedule in {@link RefreshMode#BACKGROUND background} mode,
 * on the first {@code get()} inside the refresh margin in {@link RefreshMode#LAZY lazy}
 * mode), when the source announces a change, when the database rejects the credential, or
 * when a connection finds no valid credential. Any number of
 * callers that need a fetch share the one in flight. Each provider call is cut off after
 * the fetch timeout and retried with exponential backoff; while refreshes fail, the
 * still-valid credential is served, and only once it has expired does a caller get a
 * {@link CredentialUnavailableException}. When the database keeps rejecting fresh
 * credentials, the {@link RefreshSettings.Lockout lockout guard} pauses logins so the
 * account is not locked.
 */
public final class CredentialCache implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(CredentialCache.class);

	private static final long ONE_HOUR = Duration.ofHours(1).toMillis();

	/** How long a credential reported as already expired is used anyway (clock skew). */
	static final Duration PAST_EXPIRY_GRACE = Duration.ofMinutes(1);

	/** The longest lifetime believed; a later stated expiry is clamped to it. */
	static final Duration MAX_LIFETIME = Duration.ofHours(24);

	private final String dataSourceName;

	private final String providerType;

	private final CredentialProvider provider;

	private final @Nullable String defaultUsername;

	private final RefreshSettings settings;

	private final Clock clock;

	private final List<CredentialCacheListener> listeners = new CopyOnWriteArrayList<>();

	private volatile CredentialFetchInterceptor fetchInterceptor = (cache, cause, provider) -> provider.fetch();

	/** Runs refreshes and the schedule in background mode; {@code null} in lazy mode. */
	private final @Nullable ScheduledExecutorService refresher;

	private final ExecutorService fetcher;

	private final RetryTemplate retryTemplate;

	private final AtomicReference<@Nullable CompletableFuture<DbCredential>> inFlight = new AtomicReference<>();

	/**
	 * Lazy mode: when (epoch millis) the first {@code get()} starts a refresh. Stays at
	 * {@code Long.MAX_VALUE} in background mode, so the hot path never starts one.
	 */
	private final AtomicLong lazyRefreshAt = new AtomicLong(Long.MAX_VALUE);

	private final Object stateLock = new Object();

	private volatile @Nullable Current current;

	/** The credential served before the current one, known only to {@link #redact(String)}. */
	private volatile @Nullable DbCredential previousCredential;

	private volatile @Nullable Failure lastFailure;

	private volatile @Nullable Instant lastSuccessAt;

	private volatile @Nullable Instant nextRefreshAt;

	private @Nullable ScheduledFuture<?> nextRefresh;

	/** The credential the database rejected last, while the source keeps returning it. */
	private @Nullable DbCredential lastRejected;

	private long rejectedRefetchBackoffMillis;

	private long rejectedRefetchNotBefore;

	/** The current credential once a login with it succeeded; rejections of others count. */
	private volatile @Nullable Current confirmed;

	/** Rejected logins in a row with credentials that never logged in; written under the lock. */
	private volatile int consecutiveRejections;

	/** Pauses taken in the current run of rejections. */
	private int pausesInARow;

	/** Until when (epoch millis) no credential is handed out; 0 when no pause was taken. */
	private volatile long pausedUntil;

	/** Why the database rejected the last login, for callers turned away during a pause. */
	private volatile @Nullable Throwable lastRejection;

	private AutoCloseable watch = () -> {
	};

	private volatile boolean closed;

	/**
	 * Create a cache; {@link #start()} it to fetch the first credential.
	 * @param dataSourceName the DataSource bean name, used in messages, logs and threads
	 * @param providerType the provider type, used in messages
	 * @param provider where credentials come from
	 * @param defaultUsername the username for credentials whose source names none
	 * @param settings refresh and retry settings
	 */
	public CredentialCache(String dataSourceName, String providerType, CredentialProvider provider,
			@Nullable String defaultUsername, RefreshSettings settings) {
		this(dataSourceName, providerType, provider, defaultUsername, settings, Clock.systemUTC());
	}

	CredentialCache(String dataSourceName, String providerType, CredentialProvider provider,
			@Nullable String defaultUsername, RefreshSettings settings, Clock clock) {
		Assert.hasText(dataSourceName, "dataSourceName must not be empty");
		Assert.hasText(providerType, "providerType must not be empty");
		Assert.notNull(provider, "provider must not be null");
		Assert.notNull(settings, "settings must not be null");
		this.dataSourceName = dataSourceName;
		this.providerType = providerType;
		this.provider = provider;
		this.defaultUsername = defaultUsername;
		this.settings = settings;
		this.clock = clock;
		this.rejectedRefetchBackoffMillis = settings.retry().initialInterval().toMillis();
		this.refresher = (settings.mode() == RefreshMode.BACKGROUND)
				? Executors.newSingleThreadScheduledExecutor(daemonThreads("refreshing-datasource-" + dataSourceName))
				: null;
		this.fetcher = Executors.newCachedThreadPool(daemonThreads("refreshing-datasource-" + dataSourceName + "-fetch"));
		this.retryTemplate = createRetryTemplate(settings.retry());
	}

	private RetryTemplate createRetryTemplate(RefreshSettings.Retry retry) {
		RetryPolicy policy = RetryPolicy.builder()
			.maxRetries(retry.maxAttempts() - 1L)
			.delay(retry.initialInterval())
			.multiplier(retry.multiplier())
			.maxDelay(retry.maxInterval())
			.jitter(retry.initialInterval().dividedBy(2))
			.predicate((failure) -> !this.closed && !(failure instanceof InterruptedException)
					&& !(failure instanceof NonRetryableCredentialException))
			.build();
		RetryTemplate template = new RetryTemplate(policy);
		template.setRetryListener(new RetryListener() {

			@Override
			public void beforeRetry(RetryPolicy retryPolicy, Retryable<?> retryable) {
				CredentialCache.this.listeners.forEach((listener) -> listener.fetchRetried(CredentialCache.this));
			}

		});
		return template;
	}

	public String getDataSourceName() {
		return this.dataSourceName;
	}

	public String getProviderType() {
		return this.providerType;
	}

	public RefreshSettings getSettings() {
		return this.settings;
	}

	/**
	 * Add a listener told about refreshes, retries and rejections from now on.
	 * @param listener the listener
	 */
	public void addListener(CredentialCacheListener listener) {
		this.listeners.add(listener);
	}

	/**
	 * Wrap every provider call from now on; set it before {@link #start()} to see them all.
	 * @param fetchInterceptor the interceptor
	 */
	public void setFetchInterceptor(CredentialFetchInterceptor fetchInterceptor) {
		Assert.notNull(fetchInterceptor, "fetchInterceptor must not be null");
		this.fetchInterceptor = fetchInterceptor;
	}

	/**
	 * Start watching the source for changes and fetch the first credential in the
	 * background.
	 */
	public void start() {
		this.watch = this.provider.watch(() -> refresh(RefreshCause.SCHEDULED));
		refresh(RefreshCause.STARTUP);
	}

	/**
	 * Return a valid credential: the cached one while it is valid, otherwise the result of
	 * the fetch in flight (started if none is), waiting at most the fetch timeout.
	 * @return a credential with a username
	 * @throws CredentialUnavailableException when no valid credential can be had in time
	 */
	public DbCredential get() throws CredentialUnavailableException {
		Current current = this.current;
		if (current != null) {
			long now = this.clock.millis();
			if (now < current.usableUntil) {
				long refreshAt = this.lazyRefreshAt.get();
				if (now >= refreshAt && this.lazyRefreshAt.compareAndSet(refreshAt, Long.MAX_VALUE)) {
					// Lazy mode, inside the refresh margin: this caller starts the refresh (or
					// joins the one in flight) and, like every other, keeps the valid credential.
					refresh(RefreshCause.SCHEDULED);
				}
				return current.credential;
			}
		}
		return awaitFetch(current);
	}

	private DbCredential awaitFetch(@Nullable Current current) throws CredentialUnavailableException {
		checkNotPaused();
		CompletableFuture<DbCredential> fetch = this.inFlight.get();
		if (fetch == null) {
			// A fetch may have completed since get() read the credential; it is the one
			// this caller would have joined.
			Current latest = this.current;
			if (latest != null && latest != current && this.clock.millis() < latest.usableUntil) {
				return latest.credential;
			}
			Failure failure = this.lastFailure;
			if (failure != null && this.clock.millis() < failure.retryNotBefore) {
				// A refresh just failed every attempt; the scheduler retries after the pause.
				// Starting another one now would only hammer a source that is down.
				throw unavailable("the last refresh failed, next attempt at " + this.nextRefreshAt, failure.cause);
			}
			fetch = refresh((current == null) ? RefreshCause.STARTUP
					: (current.rejected ? RefreshCause.REJECTED : RefreshCause.EXPIRED));
		}
		try {
			DbCredential fetched = fetch.get(this.settings.fetchTimeout().toMillis(), TimeUnit.MILLISECONDS);
			// A pause that began while waiting, or a fetch that returned the rejected credential.
			checkNotPaused();
			return fetched;
		}
		catch (TimeoutException ex) {
			Failure failure = this.lastFailure;
			throw unavailable("no credential within fetch-timeout (" + this.settings.fetchTimeout() + ")",
					(failure != null) ? failure.cause : ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			throw unavailable("refresh failed", cause);
		}
		catch (CancellationException ex) {
			throw unavailable("the cache was closed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw unavailable("interrupted while waiting for a credential", ex);
		}
	}

	private void checkNotPaused() throws CredentialUnavailableException {
		long until = this.pausedUntil;
		if (until != 0 && this.clock.millis() < until) {
			Throwable rejection = this.lastRejection;
			throw unavailable("logins paused until " + Instant.ofEpochMilli(until) + " after "
					+ this.consecutiveRejections + " rejected logins in a row, so the account is not locked out",
					(rejection != null) ? rejection : new IllegalStateException("the database rejected the credential"));
		}
	}

	private CredentialUnavailableException unavailable(String reason, Throwable cause) {
		return new CredentialUnavailableException(this.dataSourceName, this.providerType,
				redact(reason + ": " + describe(cause)), cause);
	}

	/**
	 * Fetch a new credential now, or join the fetch in flight.
	 * @return the fetch; completes with the credential served from then on, or with the
	 * failure of the last attempt
	 */
	public CompletableFuture<DbCredential> refresh() {
		boolean paused;
		synchronized (this.stateLock) {
			paused = resetLockoutGuard();
		}
		if (paused) {
			logger.info(this.dataSourceName + " (provider " + this.providerType + "): manual refresh; logins resume");
		}
		return refresh(RefreshCause.MANUAL);
	}

	CompletableFuture<DbCredential> refresh(RefreshCause cause) {
		while (true) {
			CompletableFuture<DbCredential> existing = this.inFlight.get();
			if (existing != null) {
				return existing;
			}
			CompletableFuture<DbCredential> created = new CompletableFuture<>();
			if (this.inFlight.compareAndSet(null, created)) {
				try {
					((this.refresher != null) ? this.refresher : this.fetcher).execute(() -> runRefresh(created, cause));
				}
				catch (RejectedExecutionException ex) {
					this.inFlight.compareAndSet(created, null);
					created.cancel(false);
				}
				return created;
			}
		}
	}

	/**
	 * Tell the cache that the database rejected a login with the given credential. When it
	 * is the cached one, it is dropped and a new one fetched at once; when the source keeps
	 * returning the same rejected credential, these forced fetches back off.
	 * @param rejected the credential the database rejected
	 */
	public void invalidate(DbCredential rejected) {
		invalidate(rejected, null);
	}

	/**
	 * Tell the cache that the database rejected a login with the given credential. When it
	 * is the cached one, it is dropped and a new one fetched at once; when the source keeps
	 * returning the same rejected credential, these forced fetches back off. Rejections of
	 * credentials that never logged in count towards the lockout guard: after
	 * {@link RefreshSettings.Lockout#maxConsecutiveRejections()} in a row, no credential is
	 * handed out for a pause.
	 * @param rejected the credential the database rejected
	 * @param reason what the database said, shown to callers turned away during a pause
	 */
	public void invalidate(DbCredential rejected, @Nullable Throwable reason) {
		this.listeners.forEach((listener) -> listener.credentialRejected(this, rejected));
		long pause = 0;
		synchronized (this.stateLock) {
			Current current = this.current;
			if (current == null || current.rejected || !current.credential.sameLogin(rejected)) {
				return;
			}
			long now = this.clock.millis();
			if (reason != null) {
				this.lastRejection = reason;
			}
			RefreshSettings.Lockout lockout = this.settings.lockout();
			// A credential that has logged in before was revoked; the re-fetch fixes that.
			// One that never did may be wrong at the source, and trying it again risks a lockout.
			if (this.confirmed != current && lockout.enabled()
					&& ++this.consecutiveRejections >= lockout.maxConsecutiveRejections()) {
				pause = lockout.pauseMillis(this.pausesInARow++);
				this.pausedUntil = now + pause;
			}
			else if (rejected.sameLogin(this.lastRejected) && now < this.rejectedRefetchNotBefore) {
				return;
			}
			this.lastRejected = current.credential;
			this.current = current.markRejected();
		}
		if (pause > 0) {
			logger.warn(this.dataSourceName + " (provider " + this.providerType + "): the database rejected "
					+ this.consecutiveRejections + " logins in a row with credentials that never logged in (last: user "
					+ rejected.username() + ", credential " + rejected.fingerprint() + "); to keep the account from "
					+ "being locked, no login is attempted until " + Instant.ofEpochMilli(this.pausedUntil) + " (pause "
					+ Duration.ofMillis(pause) + ", then one try). A new credential from the source, a successful "
					+ "login or a manual refresh ends the pause.");
			return;
		}
		logger.debug(this.dataSourceName + ": database rejected credential " + rejected.fingerprint()
				+ ", fetching a new one");
		refresh(RefreshCause.REJECTED);
	}

	/**
	 * Tell the cache that the database accepted a login. The first success of the current
	 * credential marks it as working, so a later rejection of it is taken for a revocation,
	 * and ends a run of rejections (and any pause) of the lockout guard.
	 * @param username the username of the login
	 * @param secret the secret of the login
	 */
	public void loginSucceeded(@Nullable String username, String secret) {
		Current current = this.current;
		if (current == null || this.confirmed == current || current.rejected
				|| !Objects.equals(current.credential.username(), username) || !current.credential.sameSecret(secret)) {
			return;
		}
		this.confirmed = current;
		if (this.consecutiveRejections != 0) {
			boolean paused;
			synchronized (this.stateLock) {
				paused = resetLockoutGuard();
			}
			if (paused) {
				logger.info(this.dataSourceName + " (provider " + this.providerType + "): login succeeded; logins resume");
			}
		}
	}

	/**
	 * End a run of rejections. Called with the state lock held.
	 * @return whether a pause had been taken in it
	 */
	private boolean resetLockoutGuard() {
		boolean paused = this.pausesInARow > 0;
		this.consecutiveRejections = 0;
		this.pausesInARow = 0;
		this.pausedUntil = 0;
		this.lastRejection = null;
		return paused;
	}

	/**
	 * Describe what the cache holds now, without the secret.
	 * @return the snapshot
	 */
	public CredentialSnapshot snapshot() {
		Current current = this.current;
		Failure failure = this.lastFailure;
		DbCredential credential = (current != null) ? current.credential : null;
		Instant expiresAt = (current != null) ? current.effectiveExpiry : null;
		return new CredentialSnapshot(this.dataSourceName, this.providerType,
				(credential != null) ? credential.username() : null,
				(credential != null) ? credential.fingerprint() : null, (current != null) ? current.fetchedAt : null,
				expiresAt, current != null && this.clock.millis() < current.usableUntil,
				current != null && current.rejected, this.inFlight.get() != null, this.nextRefreshAt,
				(failure != null) ? failure.cause : null, (failure != null) ? failure.at : null, this.lastSuccessAt);
	}

	/**
	 * Replace every occurrence of a secret this cache knows (the served credential's and
	 * the one served before it) with {@code ******}, so a provider's failure message can be
	 * shown to operators.
	 * @param text the text, such as an exception message
	 * @return the text without those secrets
	 */
	public String redact(String text) {
		Current current = this.current;
		DbCredential previous = this.previousCredential;
		String redacted = text;
		if (current != null) {
			redacted = redacted.replace(current.credential.secret(), "******");
		}
		if (previous != null) {
			redacted = redacted.replace(previous.secret(), "******");
		}
		return redacted;
	}

	private void runRefresh(CompletableFuture<DbCredential> result, RefreshCause cause) {
		long started = System.nanoTime();
		try {
			DbCredential fetched = this.retryTemplate.execute(new Retryable<DbCredential>() {

				@Override
				public DbCredential execute() throws Throwable {
					return fetchOnce(cause);
				}

				@Override
				public String getName() {
					return "credential fetch for datasource '" + CredentialCache.this.dataSourceName + "'";
				}

			});
			Duration took = Duration.ofNanos(System.nanoTime() - started);
			accept(fetched, cause, took);
			this.inFlight.compareAndSet(result, null);
			result.complete(fetched);
		}
		catch (Throwable ex) {
			Throwable failure = lastFailureOf(ex);
			Duration took = Duration.ofNanos(System.nanoTime() - started);
			fail(failure, cause, took);
			this.inFlight.compareAndSet(result, null);
			result.completeExceptionally(failure);
		}
	}

	private static Throwable lastFailureOf(Throwable ex) {
		if (ex instanceof RetryException retryException) {
			Throwable last = retryException.getLastException();
			if (last != null) {
				return last;
			}
			return (retryException.getCause() != null) ? retryException.getCause() : retryException;
		}
		return ex;
	}

	private DbCredential fetchOnce(RefreshCause cause) throws Throwable {
		CredentialFetchInterceptor interceptor = this.fetchInterceptor;
		Future<DbCredential> attempt = this.fetcher.submit(() -> interceptor.intercept(this, cause, this.provider));
		DbCredential fetched;
		try {
			fetched = attempt.get(this.settings.fetchTimeout().toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			// Interrupts the provider; one that ignores interrupts keeps only its own thread.
			attempt.cancel(true);
			throw new TimeoutException("provider did not answer within fetch-timeout (" + this.settings.fetchTimeout() + ")");
		}
		catch (InterruptedException ex) {
			attempt.cancel(true);
			throw ex;
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() != null) ? ex.getCause() : ex;
		}
		if (fetched == null) {
			throw new IllegalStateException("provider returned no credential");
		}
		if (fetched.username() == null) {
			if (this.defaultUsername == null) {
				throw new IllegalStateException("provider returned a credential without a username and none is "
						+ "configured (set refreshing.datasource.username or spring.datasource.username)");
			}
			fetched = fetched.withUsername(this.defaultUsername);
		}
		rejectIfStale(fetched);
		return fetched;
	}

	/**
	 * Fail the attempt when the source returns a credential stated to have expired before
	 * the one served: a stale answer (a token service replying from an outdated cache, say).
	 * Taken, it would replace a credential that still works with one the database refuses.
	 * A clock running ahead makes fresh credentials look expired too, but each states a
	 * later expiry than the one before, so those are taken, with the grace.
	 */
	private void rejectIfStale(DbCredential fetched) {
		Instant stated = fetched.expiresAt();
		Current current = this.current;
		if (stated == null || current == null || stated.isAfter(this.clock.instant())
				|| current.credential.sameLogin(fetched)) {
			return;
		}
		Instant served = current.credential.expiresAt();
		if (served == null || served.isAfter(stated)) {
			throw new IllegalStateException("provider returned credential " + fetched.fingerprint()
					+ " stated to have expired at " + stated + ", before credential " + current.credential.fingerprint()
					+ " (expiring " + ((served != null) ? served : "never") + "); not using a stale credential");
		}
	}

	private void accept(DbCredential fetched, RefreshCause cause, Duration took) {
		Instant now = this.clock.instant();
		boolean rotated;
		boolean unchangedAfterRejection;
		boolean recovered;
		boolean resumed = false;
		boolean firstUnchanged = false;
		Current accepted;
		synchronized (this.stateLock) {
			recovered = this.lastFailure != null;
			Current previous = this.current;
			boolean sameAsPrevious = previous != null && previous.credential.sameLogin(fetched);
			rotated = previous != null && !sameAsPrevious;
			if (rotated) {
				this.previousCredential = previous.credential;
			}
			// Keep a clamped expiry across refreshes of the same credential only while it
			// lasts; once passed, a fetch that still returns it clamps it afresh.
			Instant effectiveExpiry = (sameAsPrevious && previous.effectiveExpiry != null
					&& previous.effectiveExpiry.isAfter(now) && sameExpiry(previous.credential, fetched))
							? previous.effectiveExpiry : effectiveExpiry(fetched, now);
			unchangedAfterRejection = fetched.sameLogin(this.lastRejected);
			// During a pause the source's word changes nothing unless it is a new credential.
			accepted = new Current(fetched, effectiveExpiry, now,
					unchangedAfterRejection && now.toEpochMilli() < this.pausedUntil);
			if (sameAsPrevious && this.confirmed == previous && !previous.rejected) {
				this.confirmed = accepted;
			}
			if (unchangedAfterRejection) {
				firstUnchanged = this.rejectedRefetchBackoffMillis == this.settings.retry().initialInterval().toMillis();
				this.rejectedRefetchNotBefore = now.toEpochMilli() + this.rejectedRefetchBackoffMillis;
				this.rejectedRefetchBackoffMillis = Math.min(this.rejectedRefetchBackoffMillis * 2,
						this.settings.retry().maxInterval().toMillis());
			}
			else {
				this.lastRejected = null;
				this.rejectedRefetchBackoffMillis = this.settings.retry().initialInterval().toMillis();
				// The source changed while logins were paused: it may have been fixed. A new
				// credential fetched because of a rejection, or after a pause, continues the run.
				if (now.toEpochMilli() < this.pausedUntil) {
					resumed = resetLockoutGuard();
				}
			}
			this.current = accepted;
			this.lastFailure = null;
			this.lastSuccessAt = now;
			scheduleNext(RefreshCause.SCHEDULED, refreshDelay(accepted, now.toEpochMilli()));
		}
		if (resumed) {
			logger.info(this.dataSourceName + " (provider " + this.providerType + "): new credential "
					+ fetched.fingerprint() + " from the source; logins resume");
		}
		if (unchangedAfterRejection) {
			String message = this.dataSourceName + " (provider " + this.providerType + "): the database rejected "
					+ "credential " + fetched.fingerprint() + " and the source still returns it; next forced re-fetch "
					+ "not before " + Instant.ofEpochMilli(this.rejectedRefetchNotBefore);
			if (firstUnchanged) {
				logger.warn(message);
			}
			else if (logger.isDebugEnabled()) {
				logger.debug(message);
			}
		}
		else if (rotated || recovered || cause == RefreshCause.STARTUP) {
			logger.info(this.dataSourceName + " (provider " + this.providerType + "): serving credential "
					+ fetched.fingerprint() + " for user " + fetched.username() + ", expires "
					+ ((accepted.effectiveExpiry != null) ? accepted.effectiveExpiry : "never") + ", next refresh "
					+ this.nextRefreshAt);
		}
		for (CredentialCacheListener listener : this.listeners) {
			listener.refreshSucceeded(this, cause, took, fetched, rotated);
		}
	}

	private static boolean sameExpiry(DbCredential a, DbCredential b) {
		return (a.expiresAt() == null) ? b.expiresAt() == null : a.expiresAt().equals(b.expiresAt());
	}

	private @Nullable Instant effectiveExpiry(DbCredential credential, Instant now) {
		Instant expiresAt = credential.expiresAt();
		if (expiresAt == null) {
			return null;
		}
		if (!expiresAt.isAfter(now)) {
			logger.warn(this.dataSourceName + " (provider " + this.providerType + "): credential "
					+ credential.fingerprint() + " is stated to have expired at " + expiresAt
					+ " (clock skew?); using it for " + PAST_EXPIRY_GRACE + " and until the database rejects it");
			return now.plus(PAST_EXPIRY_GRACE);
		}
		if (expiresAt.isAfter(now.plus(MAX_LIFETIME))) {
			logger.warn(this.dataSourceName + " (provider " + this.providerType + "): credential "
					+ credential.fingerprint() + " is stated to expire at " + expiresAt + "; treating it as expiring in "
					+ MAX_LIFETIME);
			return now.plus(MAX_LIFETIME);
		}
		return expiresAt;
	}

	/**
	 * Refresh at half the remaining lifetime when it is an hour or more; otherwise
	 * {@code beforeExpiry} before expiry, but never before half the lifetime has passed.
	 * Jitter brings the refresh forward by up to a quarter of the delay; the delay is never
	 * shorter than {@code minInterval}.
	 */
	long refreshDelay(Current current, long now) {
		long delay;
		if (current.effectiveExpiry == null) {
			delay = this.settings.defaultLifetime().toMillis();
		}
		else {
			long remaining = current.effectiveExpiry.toEpochMilli() - now;
			if (remaining >= ONE_HOUR) {
				delay = remaining / 2;
			}
			else {
				delay = Math.max(remaining - this.settings.beforeExpiry().toMillis(), remaining / 2);
			}
		}
		long jitter = Math.min(this.settings.jitter().toMillis(), delay / 4);
		if (jitter > 0) {
			delay -= ThreadLocalRandom.current().nextLong(jitter + 1);
		}
		return Math.max(delay, this.settings.minInterval().toMillis());
	}

	private void fail(Throwable failure, RefreshCause cause, Duration took) {
		if (this.closed) {
			return;
		}
		long now = this.clock.millis();
		long pause = this.settings.retry().maxInterval().toMillis();
		boolean firstFailure;
		synchronized (this.stateLock) {
			firstFailure = this.lastFailure == null;
			this.lastFailure = new Failure(failure, Instant.ofEpochMilli(now), now + pause);
			scheduleNext(RefreshCause.SCHEDULED, pause);
		}
		Current current = this.current;
		boolean valid = current != null && now < current.usableUntil;
		String message = this.dataSourceName + " (provider " + this.providerType + "): refresh (" + cause.tagValue()
				+ ") failed " + ((failure instanceof NonRetryableCredentialException) ? "(not retried)"
						: "after " + this.settings.retry().maxAttempts() + " attempt(s)")
				+ ": " + redact(describe(failure)) + "; "
				+ (valid ? "serving credential " + current.credential.fingerprint() + " until it expires at "
						+ current.effectiveExpiry : "no valid credential")
				+ ", next attempt at " + this.nextRefreshAt;
		if (firstFailure) {
			logger.warn(message);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(message);
		}
		for (CredentialCacheListener listener : this.listeners) {
			listener.refreshFailed(this, cause, took, failure);
		}
	}

	private void scheduleNext(RefreshCause cause, long delayMillis) {
		if (this.closed) {
			return;
		}
		if (this.nextRefresh != null) {
			this.nextRefresh.cancel(false);
		}
		this.nextRefreshAt = this.clock.instant().plusMillis(delayMillis);
		if (this.refresher == null) {
			this.lazyRefreshAt.set(this.clock.millis() + delayMillis);
			return;
		}
		try {
			this.nextRefresh = this.refresher.schedule(() -> refresh(cause), delayMillis, TimeUnit.MILLISECONDS);
		}
		catch (RejectedExecutionException ex) {
			this.nextRefreshAt = null;
		}
	}

	static String describe(Throwable failure) {
		String message = failure.getMessage();
		return failure.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

	/**
	 * Stop refreshing: cancel the schedule, interrupt a fetch in flight and stop watching
	 * the source.
	 */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		synchronized (this.stateLock) {
			if (this.nextRefresh != null) {
				this.nextRefresh.cancel(false);
			}
			this.nextRefreshAt = null;
			this.lazyRefreshAt.set(Long.MAX_VALUE);
		}
		try {
			this.watch.close();
		}
		catch (Exception ex) {
			logger.debug(this.dataSourceName + ": failed to stop watching the credential source", ex);
		}
		// Cancel before interrupting the fetch: once interrupted, it would complete the
		// future with the InterruptedException first.
		cancelInFlight();
		if (this.refresher != null) {
			this.refresher.shutdownNow();
		}
		this.fetcher.shutdownNow();
		try {
			if (this.refresher != null) {
				this.refresher.awaitTermination(1, TimeUnit.SECONDS);
			}
			this.fetcher.awaitTermination(1, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		// A refresh started meanwhile may have been dropped from the queue by shutdownNow.
		cancelInFlight();
		// A provider holding resources (Vault leases, a client session) releases them last.
		if (this.provider instanceof AutoCloseable closeable) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				logger.warn(this.dataSourceName + " (provider " + this.providerType + "): failed to close the provider: "
						+ redact(describe(ex)));
			}
		}
	}

	private void cancelInFlight() {
		CompletableFuture<DbCredential> fetch = this.inFlight.getAndSet(null);
		if (fetch != null) {
			fetch.cancel(false);
		}
	}

	@Override
	public String toString() {
		return "CredentialCache[dataSource=" + this.dataSourceName + ", provider=" + this.providerType + "]";
	}

	private static ThreadFactory daemonThreads(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/** The served credential and until when it may be used; immutable so one read sees it whole. */
	static final class Current {

		final DbCredential credential;

		final @Nullable Instant effectiveExpiry;

		final Instant fetchedAt;

		final boolean rejected;

		final long usableUntil;

		Current(DbCredential credential, @Nullable Instant effectiveExpiry, Instant fetchedAt, boolean rejected) {
			this.credential = credential;
			this.effectiveExpiry = effectiveExpiry;
			this.fetchedAt = fetchedAt;
			this.rejected = rejected;
			this.usableUntil = rejected ? Long.MIN_VALUE
					: (effectiveExpiry != null) ? effectiveExpiry.toEpochMilli() : Long.MAX_VALUE;
		}

		Current markRejected() {
			return new Current(this.credential, this.effectiveExpiry, this.fetchedAt, true);
		}

	}

	private record Failure(Throwable cause, Instant at, long retryNotBefore) {
	}

}
