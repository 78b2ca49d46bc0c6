package io.github.refreshingdatasource.credentials;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

/**
 * The single in-flight refresh of one cache: any number of callers share it; it runs on a
 * refresh thread, hands the result to {@link CredentialState}, arranges the next refresh
 * through the {@link RefreshTrigger} and tells the listeners. Its future is always
 * completed and cleared, whatever a listener or the provider does.
 */
final class Refresher {

	private final CredentialCache cache;

	private final CredentialState state;

	private final CredentialFetcher fetcher;

	private final RefreshSchedule schedule;

	private final RefreshTrigger trigger;

	private final CacheListeners listeners;

	private final CacheLog log;

	private final RefreshSettings settings;

	private final Clock clock;

	private final Executor refreshThreads;

	private final AtomicReference<@Nullable CompletableFuture<DbCredential>> inFlight = new AtomicReference<>();

	private volatile @Nullable Instant nextRefreshAt;

	private volatile boolean closed;

	Refresher(CredentialCache cache, CredentialState state, CredentialFetcher fetcher, RefreshTrigger trigger,
			CacheListeners listeners, CacheLog log, RefreshSettings settings, Clock clock, Executor refreshThreads) {
		this.cache = cache;
		this.state = state;
		this.fetcher = fetcher;
		this.schedule = new RefreshSchedule(settings);
		this.trigger = trigger;
		this.listeners = listeners;
		this.log = log;
		this.settings = settings;
		this.clock = clock;
		this.refreshThreads = refreshThreads;
	}

	DbCredential awaitFetch(@Nullable ServedCredential current) throws CredentialUnavailableException {
		return awaitFetch(current, true);
	}

	private DbCredential awaitFetch(@Nullable ServedCredential current, boolean mayWaitAgain)
			throws CredentialUnavailableException {
		checkNotPaused();
		CompletableFuture<DbCredential> fetch = this.inFlight.get();
		if (fetch == null) {
			// A fetch may have completed since get() read the credential; it is the one
			// this caller would have joined.
			ServedCredential latest = this.state.current();
			if (latest != null && latest != current && this.clock.millis() < latest.usableUntil) {
				return latest.credential;
			}
			CredentialState.Failure failure = this.state.lastFailure();
			if (failure != null && this.clock.millis() < failure.retryNotBefore()) {
				// A refresh just failed every attempt; the schedule retries after the pause.
				throw unavailable("the last refresh failed, next attempt at " + this.nextRefreshAt, failure.cause());
			}
			fetch = refresh((current == null) ? RefreshCause.STARTUP
					: (current.rejected ? RefreshCause.REJECTED : RefreshCause.EXPIRED));
		}
		try {
			DbCredential fetched = fetch.get(this.settings.fetchTimeout().toMillis(), TimeUnit.MILLISECONDS);
			// A pause that began while waiting, or a fetch that returned the rejected credential.
			checkNotPaused();
			ServedCredential served = this.state.current();
			if (mayWaitAgain && served != null && served.rejected && served.credential.sameLogin(fetched)) {
				// Joined a refresh that had served this credential, since rejected: wait for the next.
				return awaitFetch(served, false);
			}
			return fetched;
		}
		catch (TimeoutException ex) {
			CredentialState.Failure failure = this.state.lastFailure();
			throw unavailable("no credential within fetch-timeout (" + this.settings.fetchTimeout() + ")",
					(failure != null) ? failure.cause() : ex);
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
		LockoutGuard guard = this.state.guard();
		if (guard.pausedAt(this.clock.millis())) {
			Throwable rejection = guard.lastRejection();
			throw unavailable("logins paused until " + Instant.ofEpochMilli(guard.pausedUntil()) + " after "
					+ guard.consecutiveRejections()
					+ " rejected logins in a row, so the account is not locked out",
					(rejection != null) ? rejection : new IllegalStateException("the database rejected the credential"));
		}
	}

	private CredentialUnavailableException unavailable(String reason, Throwable cause) {
		return new CredentialUnavailableException(this.cache.getDataSourceName(), this.cache.getProviderType(),
				this.log.redact(reason + ": " + CacheLog.plain(cause)), this.log.sanitize(cause));
	}

	@Nullable CompletableFuture<DbCredential> inFlight() {
		return this.inFlight.get();
	}

	private boolean servedIsRejected() {
		ServedCredential served = this.state.current();
		return served != null && served.rejected;
	}

	@Nullable Instant nextRefreshAt() {
		return this.nextRefreshAt;
	}

	CompletableFuture<DbCredential> refresh(RefreshCause cause) {
		while (true) {
			CompletableFuture<DbCredential> existing = this.inFlight.get();
			if (existing != null) {
				// A refresh publishes its credential before it ends: a rejection of that very
				// credential may arrive while it is still in flight. Joining it would hand the
				// rejected credential back; fetch again once it ends instead.
				return (cause == RefreshCause.REJECTED) ? existing.handle((credential, failure) -> credential)
					.thenCompose((credential) -> servedIsRejected() ? refresh(cause) : existing) : existing;
			}
			CompletableFuture<DbCredential> created = new CompletableFuture<>();
			if (this.inFlight.compareAndSet(null, created)) {
				try {
					this.refreshThreads.execute(() -> runRefresh(created, cause));
				}
				catch (RejectedExecutionException ex) {
					this.inFlight.compareAndSet(created, null);
					created.cancel(false);
				}
				return created;
			}
		}
	}

	private void runRefresh(CompletableFuture<DbCredential> result, RefreshCause cause) {
		long started = System.nanoTime();
		DbCredential fetched = null;
		Throwable failure = null;
		try {
			fetched = this.fetcher.fetch(cause, () -> {
				ServedCredential served = this.state.current();
				return (served != null) ? served.credential : null;
			});
			// What is served may be the previous credential (one the database still accepts).
			fetched = accept(fetched, cause, Duration.ofNanos(System.nanoTime() - started));
		}
		catch (Throwable ex) {
			failure = this.log.sanitize(ex);
			fail(ex, failure, cause, Duration.ofNanos(System.nanoTime() - started));
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

	private DbCredential accept(DbCredential fetched, RefreshCause cause, Duration took) {
		Instant now = this.clock.instant();
		CredentialState.Accepted accepted = this.state.accept(fetched, now);
		scheduleNext((accepted.retryIn() >= 0) ? accepted.retryIn()
				: this.schedule.delay(accepted.current().effectiveExpiry, now.toEpochMilli(), Refresher::random));
		if (!accepted.stillRejected() && (accepted.rotated() || accepted.recovered() || cause == RefreshCause.STARTUP)) {
			this.log.serving(fetched, accepted.current().effectiveExpiry, this.nextRefreshAt);
		}
		// Listeners get what is served: after a refused new credential, the previous one.
		DbCredential served = accepted.current().credential;
		if (accepted.unchanged()) {
			this.listeners.refreshUnchanged(this.cache, cause, took, served);
		}
		else {
			this.listeners.refreshSucceeded(this.cache, cause, took, served, accepted.rotated());
		}
		return served;
	}

	private static long random(long bound) {
		return ThreadLocalRandom.current().nextLong(bound + 1);
	}

	long refreshDelay(ServedCredential current, long now) {
		return this.schedule.delay(current.effectiveExpiry, now, Refresher::random);
	}

	private void fail(Throwable failure, Throwable sanitized, RefreshCause cause, Duration took) {
		if (this.closed) {
			return;
		}
		long now = this.clock.millis();
		long pause = this.settings.retry().maxInterval().toMillis();
		boolean first = this.state.fail(failure, now, now + pause);
		scheduleNext(pause);
		ServedCredential current = this.state.current();
		String serving = (current != null && now < current.usableUntil) ? "serving credential "
				+ current.credential.fingerprint() + " until it expires at " + current.effectiveExpiry : null;
		this.log.refreshFailed(cause, failure, this.settings.retry().maxAttempts(), serving, this.nextRefreshAt, first);
		this.listeners.refreshFailed(this.cache, cause, took, sanitized);
	}

	private void scheduleNext(long delayMillis) {
		if (this.closed) {
			return;
		}
		this.nextRefreshAt = this.clock.instant().plusMillis(delayMillis);
		this.trigger.scheduleIn(delayMillis, () -> refresh(RefreshCause.SCHEDULED));
	}

	void cancelInFlight() {
		CompletableFuture<DbCredential> fetch = this.inFlight.getAndSet(null);
		if (fetch != null) {
			fetch.cancel(false);
		}
	}

	void close() {
		this.closed = true;
		this.trigger.cancel();
		this.nextRefreshAt = null;
	}

}
