package io.github.refreshingdatasource.credentials;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

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

	private final RefreshTrigger trigger;

	private final Refresher refresher;

	private final CredentialState state;

	private AutoCloseable watch = () -> {
	};

	private volatile boolean closed;

	private final AtomicLong lastManualRefresh = new AtomicLong(Long.MIN_VALUE);

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

	/**
	 * Create a cache on shared threads whose lockout guard keeps its count and pause in the
	 * given ledger (shared by a fleet of replicas, say).
	 * @param dataSourceName the DataSource bean name, used in messages and logs
	 * @param providerType the provider type, used in messages
	 * @param provider where credentials come from
	 * @param defaultUsername the username for credentials whose source names none
	 * @param settings refresh and retry settings
	 * @param threads the threads shared by the application's caches
	 * @param lockoutLedger where the lockout guard counts rejected logins
	 */
	public CredentialCache(String dataSourceName, String providerType, CredentialProvider provider,
			@Nullable String defaultUsername, RefreshSettings settings, RefreshThreads threads,
			LockoutLedger lockoutLedger) {
		this(dataSourceName, providerType, provider, defaultUsername, settings, threads, Clock.systemUTC(),
				lockoutLedger);
	}

	CredentialCache(String dataSourceName, String providerType, CredentialProvider provider,
			@Nullable String defaultUsername, RefreshSettings settings, @Nullable RefreshThreads threads, Clock clock) {
		this(dataSourceName, providerType, provider, defaultUsername, settings, threads, clock,
				LockoutLedger.inProcess());
	}

	private CredentialCache(String dataSourceName, String providerType, CredentialProvider provider,
			@Nullable String defaultUsername, RefreshSettings settings, @Nullable RefreshThreads threads, Clock clock,
			LockoutLedger lockoutLedger) {
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
		this.trigger = (settings.mode() == RefreshMode.LAZY) ? new LazyRefresh(clock)
				: new BackgroundRefresh(this.threads.scheduler());
		this.state = new CredentialState(settings, this.redactor, this.log, lockoutLedger);
		this.refresher = new Refresher(this, this.state, this.fetcher, this.trigger, this.listeners, this.log, settings,
				clock, this.threads.refreshes());
		this.fetcher.onUnstuck(() -> refresh(RefreshCause.SCHEDULED));
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
		Current current = this.state.current();
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
		return this.refresher.awaitFetch(current);
	}

	/**
	 * Fetch a new credential now, or join the fetch in flight. At most one per
	 * {@link RefreshSettings#manualMinInterval()} calls the provider; one asked for sooner
	 * completes with a {@link RefreshRateLimitedException}.
	 * @return the fetch; completes with the credential served from then on, or with the
	 * failure of the last attempt
	 */
	public CompletableFuture<DbCredential> refresh() {
		CompletableFuture<DbCredential> existing = this.refresher.inFlight();
		if (existing != null) {
			return existing;
		}
		// A manual refresh no longer ends a lockout pause: the credential it brings back is
		// judged like any other (a new one from the source ends the pause, the rejected one
		// continues it), and at most one per manual-min-interval calls the provider.
		long now = this.clock.millis();
		long min = this.settings.manualMinInterval().toMillis();
		long last = this.lastManualRefresh.get();
		if (min > 0 && last != Long.MIN_VALUE && now - last < min) {
			return CompletableFuture.failedFuture(
					new RefreshRateLimitedException(this.dataSourceName, Instant.ofEpochMilli(last + min)));
		}
		if (!this.lastManualRefresh.compareAndSet(last, now)) {
			return refresh();
		}
		return refresh(RefreshCause.MANUAL);
	}

	CompletableFuture<DbCredential> refresh(RefreshCause cause) {
		return this.refresher.refresh(cause);
	}

	long refreshDelay(Current current, long now) {
		return this.refresher.refreshDelay(current, now);
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
		if (this.state.rejected(rejected, reason, this.clock.millis()) == 0) {
			refresh(RefreshCause.REJECTED);
		}
	}

	/**
	 * Tell the cache that the database accepted a login. The first success of the current
	 * credential marks it as working, so a later rejection of it is taken for a revocation,
	 * and ends a run of rejections (and any pause) of the lockout guard.
	 * @param username the username of the login
	 * @param secret the secret of the login
	 */
	public void loginSucceeded(@Nullable String username, String secret) {
		this.state.loginSucceeded(username, secret);
	}

	/**
	 * Describe what the cache holds now, without the secret.
	 * @return the snapshot
	 */
	public CredentialSnapshot snapshot() {
		Current current = this.state.current();
		CredentialState.Failure failure = this.state.lastFailure();
		DbCredential credential = (current != null) ? current.credential : null;
		LockoutGuard guard = this.state.guard();
		boolean paused = guard.pausedAt(this.clock.millis());
		Throwable rejection = guard.lastRejection();
		return new CredentialSnapshot(this.dataSourceName, this.providerType,
				(credential != null) ? credential.username() : null,
				(credential != null) ? credential.fingerprint() : null, (current != null) ? current.fetchedAt : null,
				(current != null) ? current.effectiveExpiry : null,
				current != null && this.clock.millis() < current.usableUntil, current != null && current.rejected,
				this.refresher.inFlight() != null, this.refresher.nextRefreshAt(),
				(failure != null) ? CredentialSnapshot.Failure.of(failure.cause(), this::redact) : null,
				(failure != null) ? failure.at() : null, this.state.lastSuccessAt(),
				(rejection != null) ? CredentialSnapshot.Failure.of(rejection, this::redact) : null,
				paused ? Instant.ofEpochMilli(guard.pausedUntil()) : null,
				paused ? guard.consecutiveRejections() + " rejected logins in a row with credentials that never "
						+ "logged in (lockout guard)" : null,
				this.fetcher.stuckSince(), this.fetcher.threadsInside(),
				(this.state.refused() != null) ? this.state.refused().fingerprint() : null);
	}

	/**
	 * Copy an exception chain with every message redacted (types, stack traces and SQL
	 * states kept), for code that hands a failure on: an Observation, a tracing exporter.
	 * @param failure the failure
	 * @return the sanitized copy
	 */
	public Throwable sanitize(Throwable failure) {
		return this.log.sanitize(failure);
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
		this.refresher.close();
		try {
			this.watch.close();
		}
		catch (Exception ex) {
			this.log.watchCloseFailed(ex);
		}
		// Cancel before interrupting the fetch: once interrupted, it would complete the
		// future with the InterruptedException first.
		this.refresher.cancelInFlight();
		this.fetcher.close();
		if (this.ownThreads) {
			this.threads.close();
		}
		// A refresh started meanwhile may have been dropped from the queue.
		this.refresher.cancelInFlight();
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

}
