package io.github.refreshingdatasource.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToLongFunction;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheListener;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.credentials.RefreshCause;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

/**
 * A soak run of a Spring Boot application using the starter as a user would: an embedded
 * PostgreSQL that demands SCRAM-SHA-256, the {@code file} provider reading a credential file
 * that is rewritten every few seconds with alternating roles (each rotation gives the next
 * of two roles a new password, so the previous one stays valid until the rotation after), 16
 * threads querying, and the pool's connections soft-evicted every second so that logins
 * happen all the time. Prints queries run, failed queries, provider fetches, rejections and
 * query times; exits with status 1 if any query failed.
 * <p>
 * Arguments: minutes to run (default 10), seconds between rotations (default 3).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class Soak {

	private static final int THREADS = 16;

	private static final Duration EVICT_EVERY = Duration.ofSeconds(1);

	/** How long after a rotation's file write a query counts as "around the rotation". */
	static final Duration ROTATION_WINDOW = Duration.ofMillis(500);

	private static final Duration PROGRESS_EVERY = Duration.ofSeconds(30);

	private static final String[] ROLES = { "soak_a", "soak_b" };

	public static void main(String[] args) throws Exception {
		Duration duration = Duration.ofSeconds(Math.round(60 * ((args.length > 0) ? Double.parseDouble(args[0]) : 10)));
		Duration rotateEvery = Duration.ofSeconds((args.length > 1) ? Long.parseLong(args[1]) : 3);
		System.exit((new Soak().run(duration, rotateEvery, EVICT_EVERY, true).failures() == 0) ? 0 : 1);
	}

	/** What a soak run measured. */
	record Summary(Duration took, Duration rotateEvery, @Nullable Duration evictEvery, boolean evictOnRotation,
			long queries, long failures, long providerReads,
			int rotations, long rejections, long logins, RotationWindows windows) {

		/** Provider reads per rotation; the first rotation is the file the application starts with. */
		double readsPerRotation() {
			return (double) this.providerReads / this.rotations;
		}

	}

	/**
	 * Run the soak.
	 * @param duration how long
	 * @param rotateEvery time between rotations
	 * @param evictEvery how often the pool is also soft-evicted, independently of rotations, so
	 * logins happen between rotations too; {@code null} for never
	 * @param evictOnRotation whether the application sets {@code on-rotation: evict} (otherwise
	 * the {@code file} provider's default, keep)
	 */
	Summary run(Duration duration, Duration rotateEvery, @Nullable Duration evictEvery, boolean evictOnRotation)
			throws Exception {
		Path directory = Files.createTempDirectory("soak-");
		try (BenchDatabase database = BenchDatabase.start(200)) {
			for (String role : ROLES) {
				database.createRole(role);
				database.execute("GRANT SELECT ON items TO " + role);
			}
			Rotator rotator = new Rotator(database, directory.resolve("db.json"), rotateEvery);
			// The credential the application starts with outlives a slow startup.
			rotator.rotate(Duration.ofMinutes(1));
			Counters counters = new Counters();
			long sessionsBefore = database.sessions();
			Instant started;
			Result result;
			try (ConfigurableApplicationContext context = application(database, rotator.file, counters,
					evictOnRotation)) {
				HikariDataSource pool = context.getBean(DataSource.class).unwrap(HikariDataSource.class);
				System.out.printf("Soak: %s min, rotation every %d s (alternating roles %s), %d threads, pool of %d "
						+ "%s, on-rotation %s, file provider, %d CPUs, JDK %s%n", clock(duration),
						rotateEvery.toSeconds(), String.join("/", ROLES), THREADS, pool.getMaximumPoolSize(),
						(evictEvery != null) ? "evicted every " + evictEvery.toMillis() + " ms" : "not evicted otherwise",
						evictOnRotation ? "evict" : "keep",
						Runtime.getRuntime().availableProcessors(), System.getProperty("java.runtime.version"));
				started = Instant.now();
				result = drive(pool, rotator, counters, started.plus(duration), rotateEvery, evictEvery);
			}
			long logins = database.sessions() - sessionsBefore;
			return report(result, counters, rotator, logins, Duration.between(started, Instant.now()), evictEvery,
					evictOnRotation);
		}
		finally {
			FileSystemUtils.deleteRecursively(directory.toFile());
		}
	}

	private static ConfigurableApplicationContext application(BenchDatabase database, Path file, Counters counters,
			boolean evictOnRotation) {
		return new SpringApplicationBuilder(Soak.class).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties(Map.of("spring.datasource.url", database.jdbcUrl(), "spring.datasource.hikari.maximum-pool-size",
					"8", "spring.datasource.hikari.connection-timeout", "5000", "refreshing.datasource.provider.type",
					"file", "refreshing.datasource.provider.file.path", file.toString(),
					"refreshing.datasource.on-rotation", evictOnRotation ? "evict" : "keep"))
			.initializers((context) -> context.getBeanFactory().registerSingleton("soakCounters", counters))
			.run();
	}

	private static Result drive(HikariDataSource pool, Rotator rotator, Counters counters, Instant end,
			Duration rotateEvery, @Nullable Duration evictEvery) throws Exception {
		List<Worker> workers = new ArrayList<>();
		for (int i = 0; i < THREADS; i++) {
			workers.add(new Worker(pool, end, "soak-worker-" + i));
		}
		workers.forEach(Thread::start);
		Instant nextRotation = Instant.now().plus(rotateEvery);
		// The database's side of each rotation (the pending role's new password) comes half a period before
		// the credential is published, as in an alternating-users rotation, so that its cost (a superuser
		// login, ALTER ROLE and the catalog invalidation it sends every backend) is not timed as the binding's.
		Instant nextPreparation = nextRotation.minus(rotateEvery.dividedBy(2));
		Instant nextEviction = Instant.now().plus((evictEvery != null) ? evictEvery : Duration.ZERO);
		Instant nextProgress = Instant.now().plus(PROGRESS_EVERY);
		Instant started = Instant.now();
		while (Instant.now().isBefore(end)) {
			Instant now = Instant.now();
			if (!now.isBefore(nextPreparation)) {
				rotator.prepare();
				nextPreparation = nextPreparation.plus(rotateEvery);
			}
			if (!now.isBefore(nextRotation)) {
				rotator.publish();
				nextRotation = nextRotation.plus(rotateEvery);
			}
			if (evictEvery != null && !now.isBefore(nextEviction)) {
				pool.getHikariPoolMXBean().softEvictConnections();
				nextEviction = nextEviction.plus(evictEvery);
			}
			if (!now.isBefore(nextProgress)) {
				System.out.printf("[%s] queries %,d, failed %,d, provider fetches %,d, rotations %d, rejections %d%n",
						clock(Duration.between(started, now)), sum(workers, (worker) -> worker.queries),
						sum(workers, (worker) -> worker.failures.size()), counters.fetches(), rotator.rotations,
						counters.rejections.sum());
				nextProgress = nextProgress.plus(PROGRESS_EVERY);
			}
			Thread.sleep(20);
		}
		for (Worker worker : workers) {
			worker.join();
		}
		return new Result(workers);
	}

	private static Summary report(Result result, Counters counters, Rotator rotator, long logins, Duration took,
			@Nullable Duration evictEvery, boolean evictOnRotation) {
		long queries = 0;
		List<String> failures = new ArrayList<>();
		for (Worker worker : result.workers) {
			queries += worker.queries;
			failures.addAll(worker.failures);
		}
		long[] latencies = result.latencies();
		Arrays.sort(latencies);
		System.out.println();
		System.out.printf("ran                 %s%n", clock(took));
		System.out.printf("queries run         %,d (%,.0f/s)%n", queries, queries / (took.toMillis() / 1000.0));
		System.out.printf("failed queries      %,d%n", failures.size());
		System.out.printf("provider fetches    %,d (%d refreshes, %d failed, %d retried attempts)%n", counters.fetches(),
				counters.succeeded.sum() + counters.failed.sum(), counters.failed.sum(), counters.retried.sum());
		System.out.printf("rotations           %d (credentials served: %d)%n", rotator.rotations,
				counters.fingerprints.size());
		System.out.printf("rejections          %d%n", counters.rejections.sum());
		System.out.printf("physical logins     %,d%n", logins);
		System.out.printf("query time          p50 %s ms, p99 %s ms, p99.9 %s ms, max %s ms%n",
				millis(percentile(latencies, 50)), millis(percentile(latencies, 99)),
				millis(percentile(latencies, 99.9)), millis((latencies.length > 0) ? latencies[latencies.length - 1] : 0));
		System.out.printf("provider reads      %.2f per rotation (goal ≤ 2)%n",
				(double) counters.fetches() / rotator.rotations);
		RotationWindows windows = result.windows(rotator.rotatedAt);
		System.out.println(windows.describe());
		failures.stream().limit(5).forEach((failure) -> System.out.println("failure: " + failure));
		return new Summary(took, rotator.period, evictEvery, evictOnRotation, queries, failures.size(), counters.fetches(), rotator.rotations,
				counters.rejections.sum(), logins, windows);
	}

	private static long percentile(long[] sorted, double percentile) {
		if (sorted.length == 0) {
			return 0;
		}
		int index = (int) Math.ceil(percentile / 100 * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
	}

	private static String millis(long nanos) {
		return String.format("%.2f", nanos / 1_000_000.0);
	}

	private static String clock(Duration duration) {
		return String.format("%02d:%02d", duration.toMinutes(), duration.toSecondsPart());
	}

	private static long sum(List<Worker> workers, ToLongFunction<Worker> value) {
		return workers.stream().mapToLong(value).sum();
	}

	/** One querying thread: a primary-key read and the current role, timed, until the end. */
	private static final class Worker extends Thread {

		private final DataSource dataSource;

		private final Instant end;

		private long[] latencies = new long[1 << 16];

		private long[] connectLatencies = new long[1 << 16];

		private long[] startedAt = new long[1 << 16];

		private volatile long queries;

		private final List<String> failures = new CopyOnWriteArrayList<>();

		Worker(DataSource dataSource, Instant end, String name) {
			super(name);
			this.dataSource = dataSource;
			this.end = end;
			setDaemon(true);
		}

		@Override
		public void run() {
			while (Instant.now().isBefore(this.end)) {
				long started = System.nanoTime();
				long connected;
				try (Connection connection = this.dataSource.getConnection();
						PreparedStatement statement = connection
							.prepareStatement("SELECT name, current_user FROM items WHERE id = ?")) {
					connected = System.nanoTime();
					statement.setInt(1, ThreadLocalRandom.current().nextInt(1, BenchDatabase.ROWS + 1));
					try (ResultSet result = statement.executeQuery()) {
						result.next();
					}
					record(started, connected - started, System.nanoTime() - started);
				}
				catch (SQLException ex) {
					this.failures.add(Instant.now() + " " + ex);
				}
			}
		}

		private void record(long started, long connect, long nanos) {
			int index = (int) this.queries;
			if (index == this.latencies.length) {
				this.latencies = Arrays.copyOf(this.latencies, this.latencies.length * 2);
				this.connectLatencies = Arrays.copyOf(this.connectLatencies, this.latencies.length);
				this.startedAt = Arrays.copyOf(this.startedAt, this.latencies.length);
			}
			this.latencies[index] = nanos;
			this.connectLatencies[index] = connect;
			this.startedAt[index] = started;
			this.queries = index + 1L;
		}

	}

	private record Result(List<Worker> workers) {

		long[] latencies() {
			return this.workers.stream()
				.flatMapToLong((worker) -> Arrays.stream(worker.latencies, 0, (int) worker.queries))
				.toArray();
		}

		/** Query and {@code getConnection()} times split into around-rotation and between-rotation windows. */
		RotationWindows windows(List<Long> rotations) {
			RotationWindows windows = new RotationWindows(rotations, ROTATION_WINDOW);
			for (Worker worker : this.workers) {
				for (int i = 0; i < worker.queries; i++) {
					windows.add(worker.startedAt[i], worker.connectLatencies[i], worker.latencies[i]);
				}
			}
			return windows;
		}

	}

	/**
	 * Rotates the way AWS "alternating users" rotation works: the next of two roles gets a
	 * new password ({@link #prepare()}), and half a period later the credential file names it
	 * with an expiry two rotation periods ahead ({@link #publish()}); PostgreSQL accepts the
	 * password twice that long, so the previous credential still works while the application
	 * switches.
	 */
	private static final class Rotator {

		private final BenchDatabase database;

		private final Path file;

		private final Duration period;

		private int rotations;

		/** {@link System#nanoTime()} of each rotation's file write. */
		private final List<Long> rotatedAt = new ArrayList<>();

		Rotator(BenchDatabase database, Path file, Duration period) {
			this.database = database;
			this.file = file;
			this.period = period;
		}

		private @Nullable String pendingPassword;

		/** Give the next role a new password, valid for 4 periods after it is published half a period later. */
		void prepare() throws SQLException {
			prepare(this.period.multipliedBy(4).plus(this.period.dividedBy(2)));
		}

		private void prepare(Duration validFor) throws SQLException {
			this.pendingPassword = BenchDatabase.randomPassword();
			this.database.setPassword(ROLES[this.rotations % ROLES.length], this.pendingPassword,
					Instant.now().plus(validFor));
		}

		/** Publish the prepared credential with a stated lifetime of 2 periods. */
		void publish() throws SQLException, IOException {
			publish(this.period.multipliedBy(2));
		}

		/** Prepare and publish at once (the credential the application starts with). */
		void rotate(Duration statedLifetime) throws SQLException, IOException {
			prepare(statedLifetime.multipliedBy(2));
			publish(statedLifetime);
		}

		private void publish(Duration statedLifetime) throws SQLException, IOException {
			if (this.pendingPassword == null) {
				prepare();
			}
			String role = ROLES[this.rotations % ROLES.length];
			String password = this.pendingPassword;
			this.pendingPassword = null;
			Instant now = Instant.now();
			Path temp = this.file.resolveSibling("db.json.tmp");
			Files.writeString(temp, "{\"username\":\"" + role + "\",\"password\":\"" + password + "\",\"expires_at\":\""
					+ now.plus(statedLifetime) + "\"}");
			Files.move(temp, this.file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			this.rotatedAt.add(System.nanoTime());
			this.rotations++;
		}

	}

	/** Counts what the credential cache does: every provider call is a refresh or a retry. */
	static final class Counters implements CredentialCacheListener {

		final LongAdder succeeded = new LongAdder();

		final LongAdder failed = new LongAdder();

		final LongAdder retried = new LongAdder();

		final LongAdder rejections = new LongAdder();

		final Set<String> fingerprints = ConcurrentHashMap.newKeySet();

		@Override
		public void refreshSucceeded(CredentialCache cache, RefreshCause cause, Duration duration,
				DbCredential credential, boolean rotated) {
			this.succeeded.increment();
			this.fingerprints.add(credential.fingerprint());
		}

		@Override
		public void refreshFailed(CredentialCache cache, RefreshCause cause, Duration duration, Throwable failure) {
			this.failed.increment();
		}

		@Override
		public void fetchRetried(CredentialCache cache) {
			this.retried.increment();
		}

		@Override
		public void credentialRejected(CredentialCache cache, DbCredential rejected) {
			this.rejections.increment();
		}

		long fetches() {
			return this.succeeded.sum() + this.failed.sum() + this.retried.sum();
		}

	}

}
