package io.github.refreshingdatasource.sample.workload;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * One lane of the demo: a few threads of reads and money transfers (or reads only) against
 * the demo schema on one DataSource, each on a connection borrowed from the pool for that
 * one query, so that the pool keeps logging in with whatever credential it has. Every query
 * is counted in {@code demo.workload.queries} with the {@code lane} and
 * {@code outcome=success} or {@code outcome=failure}. The first failure of a run and the
 * recovery are logged, not every failed query.
 */
public final class Workload implements SmartLifecycle {

	/** Name of the counter of queries, tagged {@code lane} and {@code outcome}. */
	public static final String METRIC = "demo.workload.queries";

	private static final Log logger = LogFactory.getLog(Workload.class);

	private static final int ACCOUNTS = 10;

	/** Samples kept for the dashboard's chart: two minutes, one a second. */
	private static final int HISTORY = 121;

	private final String lane;

	private final String dataSourceName;

	private final DataSource dataSource;

	private final boolean readOnly;

	private final int threads;

	private final Duration pause;

	private final Counter successes;

	private final Counter failures;

	private final Clock clock;

	private final Deque<Sample> history = new ArrayDeque<>();

	private final AtomicBoolean failing = new AtomicBoolean();

	private volatile @Nullable ScheduledExecutorService executor;

	Workload(String lane, String dataSourceName, DataSource dataSource, boolean readOnly, MeterRegistry registry,
			int threads, Duration pause, Clock clock) {
		this.lane = lane;
		this.dataSourceName = dataSourceName;
		this.dataSource = dataSource;
		this.readOnly = readOnly;
		this.clock = clock;
		this.threads = threads;
		this.pause = pause;
		this.successes = Counter.builder(METRIC)
			.tag("lane", lane)
			.tag("outcome", "success")
			.description("Queries of the demo workload")
			.register(registry);
		this.failures = Counter.builder(METRIC)
			.tag("lane", lane)
			.tag("outcome", "failure")
			.description("Queries of the demo workload")
			.register(registry);
	}

	/**
	 * The lane's name: {@code bound}, {@code plain} or {@code reporting}.
	 * @return the name
	 */
	public String lane() {
		return this.lane;
	}

	/**
	 * The bean name of the DataSource the lane queries.
	 * @return the name
	 */
	public String dataSourceName() {
		return this.dataSourceName;
	}

	/**
	 * How many queries succeeded so far.
	 * @return the count
	 */
	public long successes() {
		return (long) this.successes.count();
	}

	/**
	 * How many queries failed so far.
	 * @return the count
	 */
	public long failures() {
		return (long) this.failures.count();
	}

	/**
	 * The counts once a second over the last two minutes, oldest first, so a dashboard
	 * opened now can chart the past.
	 * @return a copy
	 */
	public synchronized List<Sample> history() {
		return List.copyOf(this.history);
	}

	private synchronized void sample() {
		if (this.history.size() == HISTORY) {
			this.history.removeFirst();
		}
		this.history.addLast(new Sample(this.clock.instant(), successes(), failures()));
	}

	/**
	 * Retire the pool's connections (idle ones now, busy ones when returned), so that it
	 * logs in again for the next queries, as its {@code maxLifetime} or a failover would.
	 */
	void recycleConnections() {
		try {
			if (this.dataSource.isWrapperFor(HikariDataSource.class)) {
				HikariPoolMXBean pool = this.dataSource.unwrap(HikariDataSource.class).getHikariPoolMXBean();
				if (pool != null) {
					pool.softEvictConnections();
				}
			}
		}
		catch (SQLException ex) {
			logger.debug("Demo workload " + this.lane + ": cannot reach the pool of " + this.dataSourceName, ex);
		}
	}

	@Override
	public void start() {
		AtomicInteger number = new AtomicInteger();
		ScheduledExecutorService executor = Executors.newScheduledThreadPool(this.threads + 1, (runnable) -> {
			Thread thread = new Thread(runnable, "demo-workload-" + this.lane + "-" + number.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		for (int i = 0; i < this.threads; i++) {
			executor.scheduleWithFixedDelay(this::queryOnce, 0, this.pause.toMillis(), TimeUnit.MILLISECONDS);
		}
		executor.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
		this.executor = executor;
		logger.info("Demo workload " + this.lane + " on " + this.dataSourceName + ": " + this.threads
				+ " thread(s), one " + (this.readOnly ? "read" : "read or transfer") + " each every " + this.pause);
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor = this.executor;
		this.executor = null;
		if (executor != null) {
			executor.shutdownNow();
			try {
				executor.awaitTermination(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.executor != null;
	}

	private void queryOnce() {
		if (this.executor == null) {
			return;
		}
		try {
			if (!this.readOnly && ThreadLocalRandom.current().nextBoolean()) {
				transfer();
			}
			else {
				checkTotal();
			}
			this.successes.increment();
			if (this.failing.compareAndSet(true, false)) {
				logger.info("Demo workload " + this.lane + " on " + this.dataSourceName + ": queries succeed again");
			}
		}
		catch (SQLException | RuntimeException ex) {
			if (this.executor == null) {
				// Shutting down: the pool may already be closed.
				return;
			}
			this.failures.increment();
			if (this.failing.compareAndSet(false, true)) {
				logger.warn("Demo workload " + this.lane + " on " + this.dataSourceName
						+ ": queries fail (logged once until they succeed again): " + ex);
			}
		}
	}

	private void transfer() throws SQLException {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		long from = random.nextInt(ACCOUNTS) + 1;
		long to = (from % ACCOUNTS) + 1;
		long amount = random.nextInt(1, 50);
		try (Connection connection = this.dataSource.getConnection()) {
			connection.setAutoCommit(false);
			try {
				// Lock in id order so two opposite transfers cannot deadlock.
				try (PreparedStatement lock = connection
					.prepareStatement("SELECT id FROM account WHERE id IN (?, ?) ORDER BY id FOR UPDATE")) {
					lock.setLong(1, from);
					lock.setLong(2, to);
					lock.executeQuery().close();
				}
				try (PreparedStatement move = connection.prepareStatement(
						"UPDATE account SET balance = balance + CASE WHEN id = ? THEN -? ELSE ? END WHERE id IN (?, ?)")) {
					move.setLong(1, from);
					move.setLong(2, amount);
					move.setLong(3, amount);
					move.setLong(4, from);
					move.setLong(5, to);
					move.executeUpdate();
				}
				try (PreparedStatement record = connection
					.prepareStatement("INSERT INTO transfer (from_account, to_account, amount) VALUES (?, ?, ?)")) {
					record.setLong(1, from);
					record.setLong(2, to);
					record.setLong(3, amount);
					record.executeUpdate();
				}
				connection.commit();
			}
			catch (SQLException | RuntimeException ex) {
				connection.rollback();
				throw ex;
			}
			finally {
				connection.setAutoCommit(true);
			}
		}
	}

	private void checkTotal() throws SQLException {
		try (Connection connection = this.dataSource.getConnection();
				PreparedStatement statement = connection
					.prepareStatement("SELECT count(*), coalesce(sum(balance), 0) FROM account");
				ResultSet result = statement.executeQuery()) {
			result.next();
			long total = result.getLong(2);
			if (total != ACCOUNTS * 1000L) {
				// Transfers move money, they never create or destroy it.
				throw new IllegalStateException("Accounts hold " + total + " instead of " + (ACCOUNTS * 1000L));
			}
		}
	}

	/**
	 * The workload's counts at one instant.
	 *
	 * @param at when they were taken
	 * @param success queries that succeeded until then
	 * @param failure queries that failed until then
	 */
	public record Sample(Instant at, long success, long failure) {
	}

}
