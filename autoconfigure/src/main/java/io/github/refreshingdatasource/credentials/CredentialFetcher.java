package io.github.refreshingdatasource.credentials;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.core.retry.RetryException;
import org.springframework.core.retry.RetryListener;
import org.springframework.core.retry.RetryPolicy;
import org.springframework.core.retry.RetryTemplate;
import org.springframework.core.retry.Retryable;

/**
 * One refresh's provider calls: each call on a fetch thread, cut off after the fetch
 * timeout, retried with backoff, wrapped by the interceptor, completed with the default
 * username and checked for staleness. At most one thread per cache is ever inside the
 * provider: an attempt while a timed-out call is still running waits for that call
 * instead of starting another, so a provider stuck in a call that ignores interrupts
 * holds one thread, not one per attempt. Such a call is reported once.
 */
final class CredentialFetcher {

	private final CredentialCache cache;

	private final CredentialProvider provider;

	private final @Nullable String defaultUsername;

	private final RefreshSettings settings;

	private final Clock clock;

	private final FetchThreads fetchThreads;

	private final CacheLog log;

	private final RetryTemplate retryTemplate;

	private volatile CredentialFetchInterceptor interceptor = (cache, cause, provider) -> provider.fetch();

	/** The provider call under way, if any; replaced only once it has returned. */
	private volatile @Nullable Call call;

	private final AtomicInteger threadsInside = new AtomicInteger();

	private volatile boolean closed;

	private volatile Runnable onUnstuck = () -> {
	};

	CredentialFetcher(CredentialCache cache, CredentialProvider provider, @Nullable String defaultUsername,
			RefreshSettings settings, Clock clock, FetchThreads fetchThreads, CacheListeners listeners, CacheLog log) {
		this.cache = cache;
		this.provider = provider;
		this.defaultUsername = defaultUsername;
		this.settings = settings;
		this.clock = clock;
		this.fetchThreads = fetchThreads;
		this.log = log;
		RefreshSettings.Retry retry = settings.retry();
		RetryPolicy policy = RetryPolicy.builder()
			.maxRetries(retry.maxAttempts() - 1L)
			.delay(retry.initialInterval())
			.multiplier(retry.multiplier())
			.maxDelay(retry.maxInterval())
			.jitter(retry.initialInterval().dividedBy(2))
			.predicate((failure) -> !this.closed && !(failure instanceof InterruptedException)
					&& !(failure instanceof NonRetryableCredentialException))
			.build();
		this.retryTemplate = new RetryTemplate(policy);
		this.retryTemplate.setRetryListener(new RetryListener() {

			@Override
			public void beforeRetry(RetryPolicy retryPolicy, Retryable<?> retryable) {
				listeners.fetchRetried(cache);
			}

		});
	}

	/** Called when a call stuck past the fetch timeout returns, so the cache resumes at once. */
	void onUnstuck(Runnable onUnstuck) {
		this.onUnstuck = onUnstuck;
	}

	void setInterceptor(CredentialFetchInterceptor interceptor) {
		this.interceptor = interceptor;
	}

	/**
	 * Fetch with retries.
	 * @param cause why
	 * @param served the credential served now, for the stale check
	 * @return the fetched credential, with a username
	 * @throws Throwable the last attempt's failure
	 */
	DbCredential fetch(RefreshCause cause, Supplier<@Nullable DbCredential> served) throws Throwable {
		try {
			return this.retryTemplate.execute(new Retryable<DbCredential>() {

				@Override
				public DbCredential execute() throws Throwable {
					return fetchOnce(cause, served.get());
				}

				@Override
				public String getName() {
					return "credential fetch for datasource '" + CredentialFetcher.this.cache.getDataSourceName() + "'";
				}

			});
		}
		catch (RetryException ex) {
			Throwable last = ex.getLastException();
			throw (last != null) ? last : (ex.getCause() != null) ? ex.getCause() : ex;
		}
	}

	private DbCredential fetchOnce(RefreshCause cause, @Nullable DbCredential served) throws Throwable {
		Call attempt = this.call;
		// A call still running is waited for, not doubled. One that returned a credential
		// after its attempt gave up on it is used: the source answered, late. One that
		// failed, or whose credential an attempt already took, is not.
		if (attempt == null
				|| (attempt.result.isDone() && (attempt.taken || attempt.result.isCompletedExceptionally()))) {
			attempt = start(cause);
		}
		DbCredential fetched;
		try {
			fetched = attempt.result.get(this.settings.fetchTimeout().toMillis(), TimeUnit.MILLISECONDS);
			attempt.taken = true;
		}
		catch (TimeoutException ex) {
			if (attempt.cancelIfWaiting()) {
				// Never started: the shared turns were all taken by other caches' calls.
				TimeoutException waited = new TimeoutException("no shared fetch thread within fetch-timeout ("
						+ this.settings.fetchTimeout() + "): other DataSources' provider calls held them all");
				attempt.result.completeExceptionally(waited);
				throw waited;
			}
			// Interrupt a provider that honours it; one that does not keeps only this thread.
			attempt.interrupt();
			if (attempt.markStuck()) {
				this.log.stuck(attempt.startedAt, this.threadsInside.get());
			}
			// It keeps its thread but gives up its turn, so other caches' calls are not held up.
			attempt.releaseTurn();
			throw new TimeoutException("provider did not answer within fetch-timeout (" + this.settings.fetchTimeout()
					+ ")" + (attempt.result.isDone() ? "" : "; its call since " + attempt.startedAt + " is still running"));
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
		rejectIfStale(fetched, served);
		return fetched;
	}

	private Call start(RefreshCause cause) {
		Call attempt = new Call(this.clock.instant());
		this.call = attempt;
		CredentialFetchInterceptor interceptor = this.interceptor;
		try {
			attempt.turn = this.fetchThreads.execute(() -> {
				attempt.thread = Thread.currentThread();
				this.threadsInside.incrementAndGet();
				try {
					attempt.result.complete(interceptor.intercept(this.cache, cause, this.provider));
				}
				catch (Throwable ex) {
					attempt.result.completeExceptionally(ex);
				}
				finally {
					this.threadsInside.decrementAndGet();
					attempt.thread = null;
					// Clear a stale interrupt so a pooled thread starts clean.
					Thread.interrupted();
					if (attempt.stuck && !this.closed) {
						this.log.unstuck(attempt.startedAt);
						// Only when no attempt took the late answer (every one gave up): a retry
						// waiting for it has used it, and refreshing again would accept it twice.
						// A retry that takes it just after this check is still in flight, so the
						// refresh started here joins it.
						if (!attempt.taken) {
							this.onUnstuck.run();
						}
					}
				}
			});
		}
		catch (RejectedExecutionException ex) {
			attempt.result.completeExceptionally(new IllegalStateException("the cache was closed"));
		}
		return attempt;
	}

	/**
	 * Fail the attempt when the source returns a credential stated to have expired before
	 * the one served: a stale answer (a token service replying from an outdated cache, say).
	 * Taken, it would replace a credential that still works with one the database refuses.
	 * A clock running ahead makes fresh credentials look expired too, but each states a
	 * later expiry than the one before, so those are taken, with the grace.
	 */
	private void rejectIfStale(DbCredential fetched, @Nullable DbCredential served) {
		Instant stated = fetched.expiresAt();
		if (stated == null || served == null || stated.isAfter(this.clock.instant()) || served.sameLogin(fetched)) {
			return;
		}
		Instant servedExpiry = served.expiresAt();
		if (servedExpiry == null || servedExpiry.isAfter(stated)) {
			throw new IllegalStateException("provider returned credential " + fetched.fingerprint()
					+ " stated to have expired at " + stated + ", before credential " + served.fingerprint()
					+ " (expiring " + ((servedExpiry != null) ? servedExpiry : "never") + "); not using a stale credential");
		}
	}

	/** Since when the provider call under way has been stuck past the fetch timeout, if it is. */
	@Nullable Instant stuckSince() {
		Call attempt = this.call;
		return (attempt != null && attempt.stuck && !attempt.result.isDone()) ? attempt.startedAt : null;
	}

	int threadsInside() {
		return this.threadsInside.get();
	}

	void close() {
		this.closed = true;
		Call attempt = this.call;
		if (attempt != null) {
			attempt.interrupt();
		}
	}

	/** One provider call. */
	private static final class Call {

		final Instant startedAt;

		final CompletableFuture<DbCredential> result = new CompletableFuture<>();

		volatile @Nullable Thread thread;

		volatile boolean stuck;

		/** Whether an attempt received this call's credential: it is not used again. */
		volatile boolean taken;

		volatile FetchThreads.@Nullable Slot turn;

		Call(Instant startedAt) {
			this.startedAt = startedAt;
		}

		synchronized boolean markStuck() {
			if (this.stuck || this.result.isDone()) {
				return false;
			}
			this.stuck = true;
			return true;
		}

		void releaseTurn() {
			FetchThreads.Slot held = this.turn;
			if (held != null) {
				held.release();
			}
		}

		boolean cancelIfWaiting() {
			FetchThreads.Slot held = this.turn;
			return held != null && held.cancel();
		}

		void interrupt() {
			Thread running = this.thread;
			if (running != null) {
				running.interrupt();
			}
		}

	}

}
