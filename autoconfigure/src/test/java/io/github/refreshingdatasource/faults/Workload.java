package io.github.refreshingdatasource.faults;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import org.jspecify.annotations.Nullable;

/**
 * Threads that borrow a connection, run one query and return it, as fast as they can, and
 * remember when each query failed and why. Optionally soft-evicts the pool on a fixed rate,
 * so new physical connections, and so credentials, are needed all the time. Stops by
 * itself after {@code longest}, whatever the test does.
 */
final class Workload implements AutoCloseable {

	private final DataSource dataSource;

	private final List<Thread> workers = new ArrayList<>();

	private final @Nullable ScheduledExecutorService evictor;

	private final Instant deadline;

	private final AtomicLong successes = new AtomicLong();

	private final Queue<Failure> failures = new ConcurrentLinkedQueue<>();

	private final AtomicInteger evictions = new AtomicInteger();

	private volatile long lastSuccessNanos;

	private volatile boolean running = true;

	/**
	 * Start the workload.
	 * @param name prefix of the thread names
	 * @param dataSource where to query
	 * @param threads how many threads query
	 * @param longest when to stop at the latest
	 * @param evictEvery how often to soft-evict the pool's connections, or {@code null}
	 */
	Workload(String name, DataSource dataSource, int threads, Duration longest, @Nullable Duration evictEvery) {
		this.dataSource = dataSource;
		this.deadline = Instant.now().plus(longest);
		for (int i = 0; i < threads; i++) {
			Thread worker = new Thread(this::work, name + "-worker-" + i);
			worker.setDaemon(true);
			this.workers.add(worker);
		}
		if (evictEvery != null) {
			this.evictor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
				Thread thread = new Thread(runnable, name + "-evictor");
				thread.setDaemon(true);
				return thread;
			});
			this.evictor.scheduleAtFixedRate(this::evict, evictEvery.toMillis(), evictEvery.toMillis(),
					TimeUnit.MILLISECONDS);
		}
		else {
			this.evictor = null;
		}
		this.workers.forEach(Thread::start);
	}

	private void work() {
		while (this.running && Instant.now().isBefore(this.deadline)) {
			try (Connection connection = this.dataSource.getConnection();
					Statement statement = connection.createStatement();
					ResultSet result = statement.executeQuery("SELECT 1")) {
				result.next();
				this.successes.incrementAndGet();
				this.lastSuccessNanos = System.nanoTime();
			}
			catch (SQLException ex) {
				this.failures.add(new Failure(Instant.now(), ex, messages(ex)));
			}
		}
	}

	private void evict() {
		try {
			HikariPoolMXBean pool = this.dataSource.unwrap(HikariDataSource.class).getHikariPoolMXBean();
			if (pool != null) {
				pool.softEvictConnections();
				this.evictions.incrementAndGet();
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	long successes() {
		return this.successes.get();
	}

	/** Whether a query succeeded after the given {@link System#nanoTime()}. */
	boolean succeededSince(long nanoTime) {
		return this.successes.get() > 0 && this.lastSuccessNanos - nanoTime > 0;
	}

	List<Failure> failures() {
		return List.copyOf(this.failures);
	}

	List<Failure> failures(Predicate<Failure> filter) {
		return this.failures.stream().filter(filter).toList();
	}

	int evictions() {
		return this.evictions.get();
	}

	/** Stop querying and wait for the workers to finish their last query. */
	@Override
	public void close() throws InterruptedException {
		this.running = false;
		if (this.evictor != null) {
			this.evictor.shutdownNow();
			this.evictor.awaitTermination(10, TimeUnit.SECONDS);
		}
		for (Thread worker : this.workers) {
			worker.join(TimeUnit.SECONDS.toMillis(30));
			if (worker.isAlive()) {
				throw new IllegalStateException(worker.getName() + " did not stop");
			}
		}
	}

	static String messages(Throwable failure) {
		StringBuilder messages = new StringBuilder();
		for (Throwable candidate = failure; candidate != null; candidate = candidate.getCause()) {
			messages.append(candidate).append('\n');
			for (Throwable suppressed : candidate.getSuppressed()) {
				messages.append("suppressed: ").append(suppressed).append('\n');
			}
			if (candidate.getCause() == candidate) {
				break;
			}
		}
		return messages.toString();
	}

	/**
	 * A failed query.
	 * @param at when the failure reached the caller
	 * @param exception what it got
	 * @param messages the messages of the exception and its causes, one a line
	 */
	record Failure(Instant at, SQLException exception, String messages) {

		@Override
		public String toString() {
			return this.at + ": " + this.messages;
		}

	}

}
