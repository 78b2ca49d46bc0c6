package io.github.refreshingdatasource.credentials;

import java.time.Clock;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Keeps one valid credential for one DataSource; the coordinator of the engine (see
 * {@code docs/engine.md}). {@link #get()} is the hot path: while the cached credential is
 * valid it is two volatile reads and one clock read, no lock and no call. Any number of
 * callers that need a fetch share the one in flight; while refreshes fail the still-valid
 * credential is served, and only once it has expired does a caller get a
 * {@link CredentialUnavailableException}. Schedule maths live in {@link RefreshSchedule},
 * provider calls in {@link CredentialFetcher}, what is served and known in
 * {@link CredentialState}, the manual-refresh limit in {@link ManualRefreshLimit}.
 */
public final class CredentialCache implements AutoCloseable {

	private final String dataSourceName;

	private final String providerType;

	private final ProviderLifecycle source;

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

	private final ManualRefreshLimit manualLimit;

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
		this.settings = settings;
		this.clock = clock;
		this.ownThreads = threads == null;
		this.threads = (threads != null) ? threads
				: new RefreshThreads("refreshing-datasource-" + dataSourceName, 1, 2, RefreshThreads.KEEP_ALIVE);
		this.log = new CacheLog(dataSourceName, providerType, this.redactor);
		this.source = new ProviderLifecycle(provider, this.log);
		this.listeners = new CacheListeners(this.log);
		this.fetcher = new CredentialFetcher(this, provider, defaultUsername, settings, clock, this.threads.fetches(),
				this.listeners, this.log);
		this.trigger = (settings.mode() == RefreshMode.LAZY) ? new LazyRefresh(clock)
				: new BackgroundRefresh(this.threads.scheduler());
		this.state = new CredentialState(settings, this.redactor, this.log, lockoutLedger);
		this.refresher = new Refresher(this, this.state, this.fetcher, this.trigger, this.listeners, this.log, settings,
				clock, this.threads.refreshes());
		this.manualLimit = new ManualRefreshLimit(settings.manualMinInterval());
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
		this.source.watch(() -> refresh(RefreshCause.SOURCE_CHANGED));
		refresh(RefreshCause.STARTUP);
	}

	/**
	 * Return a valid credential: the cached one while it is valid, otherwise the result of
	 * the fetch in flight (started if none is), waiting at most the fetch timeout.
	 * @return a credential with a username
	 * @throws CredentialUnavailableException when no valid credential can be had in time
	 */
	public DbCredential get() throws CredentialUnavailableException {
		ServedCredential current = this.state.current();
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
		if (this.manualLimit.tryAcquire(this.clock.millis())) {
			return refresh(RefreshCause.MANUAL);
		}
		// Too soon, or another caller got in first: join its refresh once it has started.
		existing = this.refresher.inFlight();
		return (existing != null) ? existing : CompletableFuture
			.failedFuture(new RefreshRateLimitedException(this.dataSourceName, this.manualLimit.nextAllowed()));
	}

	CompletableFuture<DbCredential> refresh(RefreshCause cause) {
		return this.refresher.refresh(cause);
	}

	long refreshDelay(ServedCredential current, long now) {
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
		return this.state.snapshot(this.dataSourceName, this.providerType, this.clock.millis(),
				this.refresher.inFlight() != null, this.refresher.nextRefreshAt(), this.fetcher.stuckSince(),
				this.fetcher.threadsInside());
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
		this.source.stopWatching();
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
		this.source.closeProvider();
	}

	@Override
	public String toString() {
		return "CredentialCache[dataSource=" + this.dataSourceName + ", provider=" + this.providerType + "]";
	}

}
