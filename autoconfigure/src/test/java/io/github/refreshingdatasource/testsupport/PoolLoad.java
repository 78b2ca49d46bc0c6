package io.github.refreshingdatasource.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.zaxxer.hikari.HikariDataSource;

/**
 * Queries a pool from several threads for a fixed time while soft-evicting its connections
 * at a fixed rate, so that new physical logins keep happening while credentials rotate.
 * Bounded in threads and time; talks only to the local database.
 */
public final class PoolLoad {

	private PoolLoad() {
	}

	/**
	 * Run the load.
	 * @param pool the pool
	 * @param duration how long
	 * @param threads how many querying threads
	 * @param evictEvery how often every pooled connection is soft-evicted
	 * @return what happened
	 * @throws Exception when a worker cannot be joined
	 */
	public static Result run(HikariDataSource pool, Duration duration, int threads, Duration evictEvery)
			throws Exception {
		return run(pool, duration, threads, evictEvery, () -> pool.getHikariPoolMXBean().softEvictConnections());
	}

	/**
	 * Run the load on any pool.
	 * @param pool the pool
	 * @param duration how long
	 * @param threads how many querying threads
	 * @param evictEvery how often the eviction runs
	 * @param evict the pool's own way of retiring its connections
	 * @return what happened
	 * @throws Exception when a worker cannot be joined
	 */
	public static Result run(javax.sql.DataSource pool, Duration duration, int threads, Duration evictEvery,
			Eviction evict) throws Exception {
		ExecutorService workers = Executors.newFixedThreadPool(threads);
		ScheduledExecutorService evictor = Executors.newSingleThreadScheduledExecutor();
		AtomicLong queries = new AtomicLong();
		AtomicInteger evictions = new AtomicInteger();
		List<Throwable> failures = new ArrayList<>();
		Instant started = Instant.now();
		Instant end = started.plus(duration);
		try {
			// Starts the pool, so there is something to evict from the first tick on.
			query(pool);
			evictor.scheduleAtFixedRate(() -> {
				try {
					evict.evict();
					evictions.incrementAndGet();
				}
				catch (Exception ex) {
					// A failing tick would cancel the schedule; the eviction count shows it.
				}
			}, evictEvery.toMillis(), evictEvery.toMillis(), TimeUnit.MILLISECONDS);
			List<Future<?>> running = new ArrayList<>();
			for (int i = 0; i < threads; i++) {
				running.add(workers.submit(() -> {
					while (Instant.now().isBefore(end)) {
						try {
							query(pool);
							queries.incrementAndGet();
						}
						catch (SQLException ex) {
							synchronized (failures) {
								failures.add(ex);
							}
						}
					}
				}));
			}
			for (Future<?> worker : running) {
				worker.get(duration.toMillis() + 60_000, TimeUnit.MILLISECONDS);
			}
		}
		finally {
			evictor.shutdownNow();
			workers.shutdownNow();
		}
		return new Result(queries.get(), List.copyOf(failures), evictions.get(), Duration.between(started, Instant.now()));
	}

	/**
	 * Run one query that needs a working login.
	 * @param pool the pool
	 * @return the current user
	 * @throws SQLException when it fails
	 */
	public static String query(javax.sql.DataSource pool) throws SQLException {
		try (Connection connection = pool.getConnection();
				Statement statement = connection.createStatement();
				ResultSet resultSet = statement.executeQuery("SELECT current_user")) {
			resultSet.next();
			return resultSet.getString(1);
		}
	}

	/**
	 * How many logins of the role the server has logged ({@code log_connections}). The
	 * server writes its log asynchronously: poll for a lower bound.
	 * @param postgres the server
	 * @param role the role
	 * @return the number of authorized connections of the role
	 */
	public static long loginsOf(ScramPostgres postgres, String role) {
		String marker = "connection authorized: user=" + role + " ";
		try {
			return Files.readAllLines(postgres.serverLog()).stream().filter((line) -> line.contains(marker)).count();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** A pool's own way of retiring its connections. */
	@FunctionalInterface
	public interface Eviction {

		void evict() throws Exception;

	}

	/**
	 * What a load run did.
	 *
	 * @param queries successful queries
	 * @param failures failed queries
	 * @param evictions soft evictions of the whole pool
	 * @param elapsed how long it ran
	 */
	public record Result(long queries, List<Throwable> failures, int evictions, Duration elapsed) {
	}

}
