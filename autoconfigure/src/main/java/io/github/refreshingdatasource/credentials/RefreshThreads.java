package io.github.refreshingdatasource.credentials;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.util.Assert;

/**
 * The threads credential caches run on: one scheduler thread that only starts refreshes,
 * a small bounded pool that runs refreshes (retries and backoff included) and a small
 * bounded number of provider calls at once ({@link FetchThreads}: a call stuck past its fetch
 * timeout keeps its thread but gives up its turn, so stuck providers cannot starve the others). One instance is meant to be shared by all caches of an
 * application, so engine threads do not grow with the number of DataSources; idle pool
 * threads time out, leaving the scheduler thread alone. All threads are daemons, named
 * {@code <prefix>-N} (scheduler), {@code <prefix>-refresh-N} and {@code <prefix>-fetch-N}.
 * <p>
 * A cache created without one gets a private instance that it closes with itself.
 */
public final class RefreshThreads implements AutoCloseable {

	/** Default keep-alive of idle refresh and fetch threads. */
	static final Duration KEEP_ALIVE = Duration.ofSeconds(30);

	private final String prefix;

	private final ScheduledThreadPoolExecutor scheduler;

	private final ThreadPoolExecutor refreshes;

	private final FetchThreads fetches;

	private final Set<Thread> live = ConcurrentHashMap.newKeySet();

	/**
	 * Threads for all caches of an application: up to 4 concurrent refreshes and 8 provider
	 * calls, named {@code refreshing-datasource-*}.
	 */
	public RefreshThreads() {
		this("refreshing-datasource", 4, 8, KEEP_ALIVE);
	}

	/**
	 * Threads with the given limits.
	 * @param refreshThreads the most refreshes running at once (others queue)
	 * @param fetchThreads the most provider calls running at once (others queue); calls stuck
	 * past their fetch timeout are not counted
	 */
	public RefreshThreads(int refreshThreads, int fetchThreads) {
		this("refreshing-datasource", refreshThreads, fetchThreads, KEEP_ALIVE);
	}

	RefreshThreads(String prefix, int refreshThreads, int fetchThreads, Duration keepAlive) {
		Assert.isTrue(refreshThreads >= 1, "refreshThreads must be at least 1");
		Assert.isTrue(fetchThreads >= 1, "fetchThreads must be at least 1");
		this.prefix = prefix;
		this.scheduler = new ScheduledThreadPoolExecutor(1, threads(prefix));
		this.scheduler.setRemoveOnCancelPolicy(true);
		this.refreshes = pool(refreshThreads, keepAlive, threads(prefix + "-refresh"));
		this.fetches = new FetchThreads(fetchThreads, keepAlive, threads(prefix + "-fetch"));
	}

	private static ThreadPoolExecutor pool(int size, Duration keepAlive, ThreadFactory factory) {
		ThreadPoolExecutor pool = new ThreadPoolExecutor(size, size, keepAlive.toMillis(), TimeUnit.MILLISECONDS,
				new LinkedBlockingQueue<>(), factory);
		pool.allowCoreThreadTimeOut(true);
		return pool;
	}

	ScheduledThreadPoolExecutor scheduler() {
		return this.scheduler;
	}

	ThreadPoolExecutor refreshes() {
		return this.refreshes;
	}

	FetchThreads fetches() {
		return this.fetches;
	}

	/**
	 * The engine threads alive now.
	 * @return the number of threads started by this instance that have not ended
	 */
	public int liveThreads() {
		this.live.removeIf((thread) -> !thread.isAlive());
		return this.live.size();
	}

	/**
	 * Stop all threads: queued work is dropped and running work interrupted. Returns within
	 * about 200 ms; a provider call that ignores interrupts keeps its (daemon) thread until
	 * it returns.
	 */
	@Override
	public void close() {
		this.scheduler.shutdownNow();
		this.refreshes.shutdownNow();
		this.fetches.shutdownNow();
		try {
			long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
			for (ThreadPoolExecutor pool : new ThreadPoolExecutor[] { this.scheduler, this.refreshes,
					this.fetches.threads() }) {
				long left = deadline - System.nanoTime();
				if (left > 0) {
					pool.awaitTermination(left, TimeUnit.NANOSECONDS);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	boolean isClosed() {
		return this.scheduler.isShutdown();
	}

	@Override
	public String toString() {
		return "RefreshThreads[" + this.prefix + ", live=" + liveThreads() + "]";
	}

	private ThreadFactory threads(String name) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(() -> {
				try {
					runnable.run();
				}
				finally {
					this.live.remove(Thread.currentThread());
				}
			}, name + "-" + count.incrementAndGet());
			thread.setDaemon(true);
			this.live.add(thread);
			return thread;
		};
	}

}
