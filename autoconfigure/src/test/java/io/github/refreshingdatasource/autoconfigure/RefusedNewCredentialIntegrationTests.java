package io.github.refreshingdatasource.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.autoconfigure.endpoint.DbCredentialsEndpoint;
import io.github.refreshingdatasource.autoconfigure.endpoint.DbCredentialsEndpoint.CredentialDescriptor;
import io.github.refreshingdatasource.autoconfigure.endpoint.RefreshingDataSourceEndpointAutoConfiguration;
import io.github.refreshingdatasource.autoconfigure.health.RefreshingDataSourceHealthContributorAutoConfiguration;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.credentials.provider.file.FileCredentialProvider;
import io.github.refreshingdatasource.testsupport.PoolLoad;
import io.github.refreshingdatasource.testsupport.PostgresServer;
import io.github.refreshingdatasource.testsupport.Secrets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 11, J against a real PostgreSQL that enforces scram-sha-256: Spring Boot builds the
 * HikariCP pool, the starter binds it, eight workers query while connections are
 * soft-evicted (so new physical logins keep happening), and the source publishes a wrong
 * password while the one before it is still valid. No query may fail; the refused one is
 * reported and re-fetched with backoff; a credential that logs in is adopted. Every log
 * line is searched for every password the test used.
 */
@ExtendWith(OutputCaptureExtension.class)
class RefusedNewCredentialIntegrationTests {

	private static final Duration INITIAL_BACKOFF = Duration.ofMillis(200);

	private static final Duration MAX_BACKOFF = Duration.ofMillis(1600);

	@RegisterExtension
	static final PostgresServer database = new PostgresServer();

	private static final AtomicInteger roleCounter = new AtomicInteger();

	private final Secrets secrets = new Secrets();

	@TempDir
	Path tempDir;



	@AfterEach
	void noPasswordInOutput(CapturedOutput output) {
		this.secrets.assertNoneIn(output.getAll());
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					RefreshingDataSourceAutoConfiguration.class, HealthContributorAutoConfiguration.class,
					RefreshingDataSourceHealthContributorAutoConfiguration.class, EndpointAutoConfiguration.class,
					RefreshingDataSourceEndpointAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + database.server().jdbcUrl(),
					"spring.datasource.hikari.maximum-pool-size=8", "spring.datasource.hikari.connection-timeout=10000",
					"refreshing.datasource.provider.type=bean", "refreshing.datasource.refresh.jitter=0s",
					// Every adopted credential evicts the pool: the wrong one is tried by as many
					// new logins as possible.
					"refreshing.datasource.on-rotation=evict",
					"refreshing.datasource.refresh.retry.initial-interval=" + INITIAL_BACKOFF.toMillis() + "ms",
					"refreshing.datasource.refresh.retry.max-interval=" + MAX_BACKOFF.toMillis() + "ms",
					"management.endpoints.web.exposure.include=dbcredentials",
					"management.endpoint.health.show-details=always");
	}

	@Test
	void wrongPasswordFromTheSourceFailsNoQueryIsReportedAndAPasswordThatLogsInIsAdopted(CapturedOutput output)
			throws Exception {
		String roleA = newRole();
		String passwordA = this.secrets.newPassword();
		database.server().setPassword(roleA, passwordA);
		String roleB = newRole();
		String passwordB = this.secrets.newPassword();
		database.server().setPassword(roleB, passwordB);
		// Never the password of any role: a broken template in the secret store.
		String wrong = this.secrets.newPassword();
		Path file = this.tempDir.resolve("db.json");
		publish(file, roleA, passwordA);
		RecordingProvider provider = new RecordingProvider(new FileCredentialProvider(file));
		runner().withBean(CredentialProvider.class, () -> provider).run((context) -> {
			assertThat(context).hasNotFailed();
			HikariDataSource pool = context.getBean(DataSource.class).unwrap(HikariDataSource.class);
			CredentialCache cache = context.getBean(CredentialCacheRegistry.class).get("dataSource");
			// This login confirms credential A: it is the one to fall back on.
			assertThat(query(pool)).isEqualTo(roleA);
			DbCredential good = DbCredential.of(roleA, passwordA, null);
			DbCredential refused = DbCredential.of(roleA, wrong, null);
			Workers workers = new Workers(pool, 8, Duration.ofMillis(250));
			try {
				await().atMost(Duration.ofSeconds(20)).until(() -> workers.queriesBy(roleA) >= 200);

				publish(file, roleA, wrong);
				await().atMost(Duration.ofSeconds(20))
					.until(() -> refused.fingerprint().equals(cache.snapshot().refusedFingerprint()));
				assertThat(cache.snapshot().fingerprint()).isEqualTo(good.fingerprint());
				assertThat(cache.snapshot().valid()).isTrue();
				assertThat(cache.snapshot().paused()).isFalse();

				Health health = context.getBean("dbcredentialsHealthIndicator", HealthIndicator.class).health();
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				@SuppressWarnings("unchecked")
				Map<String, Object> detail = (Map<String, Object>) health.getDetails().get("dataSource");
				assertThat(detail).containsEntry("refusedCredential", refused.fingerprint());
				assertThat((String) detail.get("warning")).contains("refused new credential " + refused.fingerprint());
				CredentialDescriptor described = context.getBean(DbCredentialsEndpoint.class).credential("dataSource");
				assertThat(described.refusedFingerprint()).isEqualTo(refused.fingerprint());
				assertThat(described.fingerprint()).isEqualTo(good.fingerprint());
				assertThat(described.state()).isEqualTo("valid");

				// The source keeps returning the wrong password: re-fetched, each time later.
				await().atMost(Duration.ofSeconds(30)).until(() -> provider.timesReturned(wrong).size() >= 5);
				assertBackedOff(provider.timesReturned(wrong));
				long queriesWhileRefused = workers.queriesBy(roleA);
				await().atMost(Duration.ofSeconds(20))
					.until(() -> workers.queriesBy(roleA) >= queriesWhileRefused + 200);
				assertThat(workers.evictions()).as("soft evictions of the whole pool").isGreaterThan(4);
				// The database itself refused the wrong password, at least once.
				await().atMost(Duration.ofSeconds(10)).until(() -> failedLogins(roleA) >= 1);

				// A password that logs in: adopted, and new physical logins use it.
				publish(file, roleB, passwordB);
				await().atMost(Duration.ofSeconds(20)).until(() -> workers.queriesBy(roleB) >= 200);
				assertThat(cache.snapshot().username()).isEqualTo(roleB);
				assertThat(cache.snapshot().fingerprint())
					.isEqualTo(DbCredential.of(roleB, passwordB, null).fingerprint());
				assertThat(cache.snapshot().refusedFingerprint()).isNull();
				@SuppressWarnings("unchecked")
				Map<String, Object> adopted = (Map<String, Object>) context
					.getBean("dbcredentialsHealthIndicator", HealthIndicator.class)
					.health()
					.getDetails()
					.get("dataSource");
				// The run of rejections ended with the new credential's first login.
				assertThat(adopted).doesNotContainKeys("refusedCredential", "warning", "lastRejection");
			}
			finally {
				workers.stop();
			}
			assertThat(workers.failures()).as("failed queries").isEmpty();
		});
		String reported = "the database refused new credential " + DbCredential.of(roleA, wrong, null).fingerprint();
		assertThat(output.getAll().lines().filter((line) -> line.contains(reported))).singleElement()
			.asString()
			.contains(" WARN ");
	}

	/**
	 * A half-applied rotation: the source publishes the new password before the database has
	 * it. It is refused and the old one served; when the rotation completes (the database now
	 * refuses the old password), the next login's rejection re-fetches, and the password the
	 * source has been publishing all along is adopted. No query fails on the way.
	 */
	@Test
	void passwordPublishedAheadOfTheDatabaseIsAdoptedOnceTheDatabaseAcceptsIt(CapturedOutput output)
			throws Exception {
		String role = newRole();
		String oldPassword = this.secrets.newPassword();
		database.server().setPassword(role, oldPassword);
		String newPassword = this.secrets.newPassword();
		Path file = this.tempDir.resolve("db.json");
		publish(file, role, oldPassword);
		RecordingProvider provider = new RecordingProvider(new FileCredentialProvider(file));
		runner().withBean(CredentialProvider.class, () -> provider).run((context) -> {
			assertThat(context).hasNotFailed();
			HikariDataSource pool = context.getBean(DataSource.class).unwrap(HikariDataSource.class);
			CredentialCache cache = context.getBean(CredentialCacheRegistry.class).get("dataSource");
			assertThat(query(pool)).isEqualTo(role);
			DbCredential rotated = DbCredential.of(role, newPassword, null);
			Workers workers = new Workers(pool, 8, Duration.ofMillis(250));
			try {
				await().atMost(Duration.ofSeconds(20)).until(() -> workers.queriesBy(role) >= 200);
				publish(file, role, newPassword);
				await().atMost(Duration.ofSeconds(20))
					.until(() -> rotated.fingerprint().equals(cache.snapshot().refusedFingerprint()));
				long refusedAt = workers.queriesBy(role);
				await().atMost(Duration.ofSeconds(20)).until(() -> workers.queriesBy(role) >= refusedAt + 200);

				long loginsBefore = PoolLoad.loginsOf(database.server(), role);
				database.server().setPassword(role, newPassword);
				await().atMost(Duration.ofSeconds(20))
					.until(() -> rotated.fingerprint().equals(cache.snapshot().fingerprint()));
				assertThat(cache.snapshot().refusedFingerprint()).isNull();
				// The database takes only the new password now: these logins used it.
				await().atMost(Duration.ofSeconds(20))
					.until(() -> PoolLoad.loginsOf(database.server(), role) >= loginsBefore + 8);
				long adoptedAt = workers.queriesBy(role);
				await().atMost(Duration.ofSeconds(20)).until(() -> workers.queriesBy(role) >= adoptedAt + 200);
			}
			finally {
				workers.stop();
			}
			assertThat(workers.failures()).as("failed queries").isEmpty();
		});
		assertThat(output.getAll()).containsOnlyOnce(
				"the database refused new credential " + DbCredential.of(role, newPassword, null).fingerprint());
	}

	/**
	 * The re-fetches that returned the wrong password after the first (which adopted it):
	 * the first comes at once (the rejection), then each waits at least twice as long as the
	 * one before, from the initial interval up to the maximum. A scheduler never fires early,
	 * so these lower bounds hold however loaded the machine is.
	 */
	private static void assertBackedOff(List<Long> nanos) {
		long expected = INITIAL_BACKOFF.toNanos();
		for (int i = 2; i < nanos.size(); i++) {
			long gap = nanos.get(i) - nanos.get(i - 1);
			assertThat(Duration.ofNanos(gap)).as("gap before re-fetch " + i)
				.isGreaterThanOrEqualTo(Duration.ofNanos(expected).minusMillis(15));
			expected = Math.min(expected * 2, MAX_BACKOFF.toNanos());
		}
	}

	private static void publish(Path file, String role, String password) throws Exception {
		Path temp = Files.writeString(file.resolveSibling("db.json.tmp"), "{\"username\":\"" + role
				+ "\",\"password\":\"" + password + "\",\"expires_at\":\"" + Instant.now().plusSeconds(900) + "\"}");
		Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
	}

	/** The server's "password authentication failed" lines for a role (written asynchronously). */
	private static long failedLogins(String role) throws Exception {
		String marker = "password authentication failed for user \"" + role + "\"";
		return Files.readAllLines(database.server().serverLog()).stream().filter((line) -> line.contains(marker)).count();
	}

	private String newRole() {
		String role = "refused_" + roleCounter.incrementAndGet();
		database.server().createLoginRole(role, this.secrets.newPassword());
		return role;
	}

	private static String query(DataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet resultSet = statement.executeQuery("SELECT current_user")) {
			resultSet.next();
			return resultSet.getString(1);
		}
	}

	/** Records when each fetch happened and which secret it returned; passes watch events through. */
	private static final class RecordingProvider implements CredentialProvider {

		private final CredentialProvider delegate;

		private final List<Fetch> fetches = new ArrayList<>();

		RecordingProvider(CredentialProvider delegate) {
			this.delegate = delegate;
		}

		@Override
		public DbCredential fetch() throws Exception {
			DbCredential fetched = this.delegate.fetch();
			synchronized (this.fetches) {
				this.fetches.add(new Fetch(System.nanoTime(), fetched));
			}
			return fetched;
		}

		@Override
		public AutoCloseable watch(Runnable listener) {
			return this.delegate.watch(listener);
		}

		List<Long> timesReturned(String secret) {
			synchronized (this.fetches) {
				return this.fetches.stream()
					.filter((fetch) -> fetch.credential.sameSecret(secret))
					.map(Fetch::nanos)
					.toList();
			}
		}

		private record Fetch(long nanos, DbCredential credential) {
		}

	}

	/**
	 * Query workers that run until stopped, counting successes by the user that ran them,
	 * while every pooled connection is soft-evicted at a fixed rate.
	 */
	private static final class Workers {

		private final ExecutorService threads;

		private final ScheduledExecutorService evictor = Executors.newSingleThreadScheduledExecutor();

		private final List<Future<?>> running = new ArrayList<>();

		private final Map<String, LongAdder> queries = new ConcurrentHashMap<>();

		private final List<Throwable> failures = new ArrayList<>();

		private final AtomicLong evictions = new AtomicLong();

		private volatile boolean stopped;

		Workers(HikariDataSource pool, int count, Duration evictEvery) {
			this.threads = Executors.newFixedThreadPool(count);
			this.evictor.scheduleAtFixedRate(() -> {
				pool.getHikariPoolMXBean().softEvictConnections();
				this.evictions.incrementAndGet();
			}, evictEvery.toMillis(), evictEvery.toMillis(), TimeUnit.MILLISECONDS);
			for (int i = 0; i < count; i++) {
				this.running.add(this.threads.submit(() -> {
					while (!this.stopped) {
						try {
							String user = query(pool);
							this.queries.computeIfAbsent(user, (key) -> new LongAdder()).increment();
						}
						catch (SQLException ex) {
							synchronized (this.failures) {
								this.failures.add(ex);
							}
						}
					}
				}));
			}
		}

		long queriesBy(String user) {
			LongAdder count = this.queries.get(user);
			return (count != null) ? count.sum() : 0;
		}

		long evictions() {
			return this.evictions.get();
		}

		List<Throwable> failures() {
			synchronized (this.failures) {
				return List.copyOf(this.failures);
			}
		}

		void stop() throws Exception {
			this.stopped = true;
			this.evictor.shutdownNow();
			for (Future<?> worker : this.running) {
				worker.get(30, TimeUnit.SECONDS);
			}
			this.threads.shutdownNow();
		}

	}

}
