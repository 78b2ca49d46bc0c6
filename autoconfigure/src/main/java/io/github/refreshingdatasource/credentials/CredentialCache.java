package io.github.refreshingdatasource.credentials;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Keeps one valid credential for one DataSource; the coordinator of the engine (see
 * {@code docs/engine.md}). {@link #get()} is the hot path: while the cached credential is
 * valid it is two volatile reads and one clock read, no lock and no call. Any number of
 * callers that need a fetch share the one in flight; while refreshes fail the still-valid
 * credential is served, and only once it has expired does a caller get a
 * {@link CredentialUnavailableException}. Schedule maths live in {@link RefreshSchedule},
 * provider calls in {@link CredentialFetcher}, the lockout guard in {@link LockoutGuard},
 * the rejected-credential backoff in {@link RejectionBackoff}.
 */
public final class CredentialCache implements AutoCloseable {

	static final Duration PAST_EXPIRY_GRACE = RefreshSchedule.PAST_EXPIRY_GRACE;

	static final Duration MAX_LIFETIME = RefreshSchedule.MAX_LIFETIME;

	private final String dataSourceName;

	private final String providerType;

	private final CredentialProvider provider;

	private final RefreshSettings settings;

	private final Clock clock;

	private final RefreshThreads threads;

	private final boolean ownThreads;

	private final Redactor redactor = new Redactor();

	private final CacheLog log;

	private final CacheListeners listeners;

	private final CredentialFetcher fetcher;

	private final RefreshSchedule schedule;

	private final RefreshTrigger trigger;

	private final LockoutGuard guard;

	private final RejectionBackoff backoff;

	private final AtomicReference<@Nullable CompletableFuture<DbCredential>> inFlight = new AtomicReference<>();

	private final Object stateLock = new Object();

	private volatile @Nullable Current current;

	/** The current credential once a login with it succeeded; rejections of others count. */
	private volatile @Nullable Current confirmed;

	private volatile @Nullable Failure lastFailure;

	private volatile @Nullable Instant lastSuccessAt;

	private volatile @Nullable Instant nextRefreshAt;

	private AutoCloseable watch = () -> {
	};

	private volatile boolean closed;

	/**
	 * Create a cache on threads of its own, closed with it; {@link #start()} it to fetch the
	 * first credential.
	 * @param dataSourceName the DataSource bean name, used in messages, logs and threads
	 * @param providerType the provider type, used in messages
	 * @param provider where credentials come from
	 * @param defaultUsername the username for credentials whose source names none
	 * @param settings refresh and retry settings
	 */
	public CredentialCache(String dataSourceName, String providerType, CredentialProvider provider,
			@Nullable String defaultUsername, RefreshSettings settings) {
		this(dataSourceName, providerType, provider, defaultUsername, settings, null, Clock.systemUTC());
	}

	/**
	 * Create a cache on shared threads, which it does not close.
	 * @param dataSourceName the DataSource bean name, used in messages and logs
	 * @param providerType the provider type, used in messages
	 * @param provider where credentials come from
	 * @param defaultUsername the username for credentials whose source names none
	 * @param settings refresh and retry settings
	 * @param threads the threads shared by the application's caches
	 */
	public CredentialCache(String dataSourceName, String providerType, CredentialProvider provider,
			@Nullable String defaultUsername, RefreshSettings settings, RefreshThreads threads) {
		this(dataSourceName, providerType, provider, defaultUsername, settings, threads, Clock.systemUTC());
	}

	CredentialCache(String dataSourceName, String providerType, CredentialProvider provider,
			@Nullable String defaultUsername, RefreshSettings settings, Clock clock) {
		this(dataSourceName, providerType, provider, defaultUsername, settings, null, clock);
	}

	CredentialCache(String dataSourceName, String providerType, CredentialProvider provider,
			@Nullable String defaultUsername, RefreshSettings settings, @Nullable RefreshThreads threads, Clock clock) {
		Assert.hasText(dataSourceName, "dataSourceName must not be empty");
		Assert.hasText(providerType, "providerType must not be empty");
		Assert.notNull(provider, "provider must not be null");
		Assert.notNull(settings, "settings must not be null");
		this.dataSourceName = dataSourceName;
		this.providerType = providerType;
		this.provider = provider;
		this.settings = settings;
		this.clock = clock;
		this.ownThreads = threads == null;
		this.threads = (threads != null) ? threads
				: new RefreshThreads("refreshing-datasource-" + dataSourceName, 1, 2, RefreshThreads.KEEP_ALIVE);
		this.log = new CacheLog(dataSourceName, providerType, this.redactor);
		this.listeners = new CacheListeners(this.log);
		this.fetcher = new CredentialFetcher(this, provider, defaultUsername, settings, clock, this.threads.fetches(),
				this.listeners, this.log);
		this.schedule = new RefreshSchedule(settings);
		this.trigger = (settings.mode() == RefreshMode.LAZY) ? new LazyRefresh(clock)
				: new BackgroundRefresh(this.threads.scheduler());
		this.guard = new LockoutGuard(settings.lockout());
		this.backoff = new RejectionBackoff(settings.retry());
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
	 * Add a listener told about refreshes, retries and rejections from now on. A listener
	 * that throws is logged and skipped; it cannot stop the cache.
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
		this.fetcher.setInterceptor(fetchInterceptor);
	}

	/** Start watching the source for changes and fetch the first credential in the background. */
	public void start() {
		this.watch = this.provider.watch(() -> refresh(RefreshCause.SOURCE_CHANGED));
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
				if (this.trigger.claim(now)) {
					// Lazy mode, inside the refresh margin: this caller starts the refresh and,
					// like every other, keeps the valid credential.
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
				// A refresh just failed every attempt; the schedule retries after the pause.
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
			throw unavailable("refresh failed", (ex.getCause() != null) ? ex.getCause() : ex);
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
		long now = this.clock.millis();
		if (this.guard.pausedAt(now)) {
			Throwable rejection = this.guard.lastRejection();
			throw unavailable("logins paused until " + Instant.ofEpochMilli(this.guard.pausedUntil()) + " after "
					+ this.guard.consecutiveRejections()
					+ " rejected logins in a row, so the account is not locked out",
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
			paused = this.guard.reset();
		}
		if (paused) {
			this.log.resumed("manual refresh");
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
					this.threads.refreshes().execute(() -> runRefresh(created, cause));
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
	 * Tell the cache that the database rejected a login with the given credential.
	 * @param rejected the credential the database rejected
	 * @see #invalidate(DbCredential, Throwable)
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
		this.listeners.credentialRejected(this, rejected);
		long pause = 0;
		synchronized (this.stateLock) {
			Current current = this.current;
			if (current == null || current.rejected || !current.credential.sameLogin(rejected)) {
				return;
			}
			long now = this.clock.millis();
			this.guard.reason(reason);
			// A credential that has logged in before was revoked; the re-fetch fixes that.
			// One that never did may be wrong at the source, and trying it again risks a lockout.
			if (this.confirmed != current) {
				pause = this.guard.countRejection(now);
			}
			if (pause == 0 && this.backoff.holdsOff(rejected, now)) {
				return;
			}
			this.backoff.rejected(current.credential);
			this.current = current.markRejected();
		}
		if (pause > 0) {
			this.log.paused(this.guard.consecutiveRejections(), rejected, Instant.ofEpochMilli(this.guard.pausedUntil()),
					pause);
			return;
		}
		this.log.rejected(rejected);
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
		if (this.guard.consecutiveRejections() != 0) {
			boolean paused;
			synchronized (this.stateLock) {
				paused = this.guard.reset();
			}
			if (paused) {
				this.log.resumed("login succeeded");
			}
		}
	}

	/**
	 * Describe what the cache holds now, without the secret.
	 * @return the snapshot
	 */
	public CredentialSnapshot snapshot() {
		Current current = this.current;
		Failure failure = this.lastFailure;
		DbCredential credential = (current != null) ? current.credential : null;
		return new CredentialSnapshot(this.dataSourceName, this.providerType,
				(credential != null) ? credential.username() : null,
				(credential != null) ? credential.fingerprint() : null, (current != null) ? current.fetchedAt : null,
				(current != null) ? current.effectiveExpiry : null,
				current != null && this.clock.millis() < current.usableUntil, current != null && current.rejected,
				this.inFlight.get() != null, this.nextRefreshAt, (failure != null) ? failure.cause : null,
				(failure != null) ? failure.at : null, this.lastSuccessAt);
	}

	/**
	 * Replace every secret this cache served recently, and text shaped like a credential,
	 * with {@code ******}, so a provider's failure message can be shown to operators.
	 * @param text the text, such as an exception message
	 * @return the text without those secrets
	 */
	public String redact(String text) {
		return this.redactor.redact(text);
	}

	private void runRefresh(CompletableFuture<DbCredential> result, RefreshCause cause) {
		long started = System.nanoTime();
		DbCredential fetched = null;
		Throwable failure = null;
		try {
			fetched = this.fetcher.fetch(cause, () -> {
				Current served = this.current;
				return (served != null) ? served.credential : null;
			});
			accept(fetched, cause, Duration.ofNanos(System.nanoTime() - started));
		}
		catch (Throwable ex) {
			failure = ex;
			fail(ex, cause, Duration.ofNanos(System.nanoTime() - started));
		}
		finally {
			// Whatever happened above, clear the future before completing it (a caller woken
			// by it may refresh again at once) and never leave it for later refreshes to join.
			this.inFlight.compareAndSet(result, null);
			if (failure == null && fetched != null) {
				result.complete(fetched);
			}
			else {
				result.completeExceptionally((failure != null) ? failure
						: new IllegalStateException("refresh ended without a result"));
			}
		}
	}

	private void accept(DbCredential fetched, RefreshCause cause, Duration took) {
		Instant now = this.clock.instant();
		boolean rotated;
		boolean stillRejected;
		boolean resumed = false;
		boolean firstUnchanged = false;
		boolean recovered;
		Current accepted;
		synchronized (this.stateLock) {
			recovered = this.lastFailure != null;
			Current previous = this.current;
			boolean same = previous != null && previous.credential.sameLogin(fetched);
			rotated = previous != null && !same;
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
			stillRejected = this.backoff.isRejected(fetched);
			// During a pause the source's word changes nothing unless it is a new credential.
			accepted = new Current(fetched, effectiveExpiry, now,
					stillRejected && this.guard.pausedAt(now.toEpochMilli()));
			if (same && this.confirmed == previous && !previous.rejected) {
				this.confirmed = accepted;
			}
			if (stillRejected) {
				firstUnchanged = this.backoff.returnedAgain(now.toEpochMilli());
			}
			else {
				this.backoff.clear();
				// The source changed while logins were paused: it may have been fixed. A new
				// credential fetched because of a rejection, or after a pause, continues the run.
				if (this.guard.pausedAt(now.toEpochMilli())) {
					resumed = this.guard.reset();
				}
			}
			this.current = accepted;
			this.lastFailure = null;
			this.lastSuccessAt = now;
			scheduleNext(this.schedule.delay(effectiveExpiry, now.toEpochMilli(), CredentialCache::random));
		}
		if (resumed) {
			this.log.resumed("new credential " + fetched.fingerprint() + " from the source");
		}
		if (stillRejected) {
			this.log.stillRejected(fetched, Instant.ofEpochMilli(this.backoff.notBefore()), firstUnchanged);
		}
		else if (rotated || recovered || cause == RefreshCause.STARTUP) {
			this.log.serving(fetched, accepted.effectiveExpiry, this.nextRefreshAt);
		}
		this.listeners.refreshSucceeded(this, cause, took, fetched, rotated);
	}

	private static long random(long bound) {
		return ThreadLocalRandom.current().nextLong(bound + 1);
	}

	long refreshDelay(Current current, long now) {
		return this.schedule.delay(current.effectiveExpiry, now, CredentialCache::random);
	}

	private void fail(Throwable failure, RefreshCause cause, Duration took) {
		if (this.closed) {
			return;
		}
		long now = this.clock.millis();
		long pause = this.settings.retry().maxInterval().toMillis();
		boolean first;
		synchronized (this.stateLock) {
			first = this.lastFailure == null;
			this.lastFailure = new Failure(failure, Instant.ofEpochMilli(now), now + pause);
			scheduleNext(pause);
		}
		Current current = this.current;
		String serving = (current != null && now < current.usableUntil) ? "serving credential "
				+ current.credential.fingerprint() + " until it expires at " + current.effectiveExpiry : null;
		this.log.refreshFailed(cause, failure, this.settings.retry().maxAttempts(), serving, this.nextRefreshAt, first);
		this.listeners.refreshFailed(this, cause, took, failure);
	}

	private void scheduleNext(long delayMillis) {
		if (this.closed) {
			return;
		}
		this.nextRefreshAt = this.clock.instant().plusMillis(delayMillis);
		this.trigger.scheduleIn(delayMillis, () -> refresh(RefreshCause.SCHEDULED));
	}

	static String describe(Throwable failure) {
		String message = failure.getMessage();
		return failure.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

	/**
	 * Stop refreshing: cancel the schedule and the fetch in flight, stop watching the source
	 * and close the provider. Returns promptly even when a provider call ignores interrupts;
	 * such a call is logged and keeps its daemon thread until it returns.
	 */
	@Override
	public void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		synchronized (this.stateLock) {
			this.trigger.cancel();
			this.nextRefreshAt = null;
		}
		try {
			this.watch.close();
		}
		catch (Exception ex) {
			this.log.watchCloseFailed(ex);
		}
		// Cancel before interrupting the fetch: once interrupted, it would complete the
		// future with the InterruptedException first.
		cancelInFlight();
		this.fetcher.close();
		if (this.ownThreads) {
			this.threads.close();
		}
		// A refresh started meanwhile may have been dropped from the queue.
		cancelInFlight();
		if (this.fetcher.threadsInside() > 0) {
			this.log.leftBehind(this.fetcher.threadsInside());
		}
		// A provider holding resources (Vault leases, a client session) releases them last.
		if (this.provider instanceof AutoCloseable closeable) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				this.log.providerCloseFailed(ex);
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
