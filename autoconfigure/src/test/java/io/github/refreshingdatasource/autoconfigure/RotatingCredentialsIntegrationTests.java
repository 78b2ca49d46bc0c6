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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.credentials.provider.file.FileCredentialProvider;
import io.github.refreshingdatasource.testsupport.ScramPostgres;
import io.github.refreshingdatasource.testsupport.Secrets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The whole path against a real PostgreSQL that enforces scram-sha-256: Spring Boot builds
 * the HikariCP pool, the starter binds it, and credentials rotate, get revoked, or cannot
 * be fetched while the application queries. Every log line of each test is searched for
 * every password the test used.
 */
@ExtendWith(OutputCaptureExtension.class)
class RotatingCredentialsIntegrationTests {

	private static ScramPostgres postgres;

	private static final AtomicInteger roleCounter = new AtomicInteger();

	private final Secrets secrets = new Secrets();

	@TempDir
	Path tempDir;

	@BeforeAll
	static void startPostgres() {
		postgres = ScramPostgres.start();
		postgres.execute("CREATE TABLE IF NOT EXISTS ledger (id bigserial PRIMARY KEY, role name, at timestamptz)");
		postgres.execute("GRANT ALL ON TABLE ledger TO PUBLIC");
		postgres.execute("GRANT ALL ON SEQUENCE ledger_id_seq TO PUBLIC");
	}

	@AfterAll
	static void stopPostgres() {
		postgres.close();
	}

	@AfterEach
	void noPasswordInOutput(CapturedOutput output) {
		this.secrets.assertNoneIn(output.getAll());
	}

	private ApplicationContextRunner runner(String... properties) {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataSourceAutoConfiguration.class, RefreshingDataSourceAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + postgres.jdbcUrl(),
					"spring.datasource.hikari.maximum-pool-size=8", "spring.datasource.hikari.connection-timeout=5000",
					"refreshing.datasource.provider.type=bean", "refreshing.datasource.refresh.jitter=0s",
					"logging.level.io.github.refreshingdatasource=DEBUG")
			.withPropertyValues(properties);
	}

	@Test
	void rotationUnderLoadLosesNoQuery() throws Exception {
		String roleA = newRole();
		String roleB = newRole();
		Path file = this.tempDir.resolve("db.json");
		Rotator rotator = new Rotator(file, roleA, roleB);
		rotator.rotate();
		CountingProvider provider = new CountingProvider(new FileCredentialProvider(file));
		runner().withBean(CredentialProvider.class, () -> provider).run((context) -> {
			HikariDataSource pool = hikari(context);
			long sessionsBefore = sessions();
			ExecutorService workers = Executors.newFixedThreadPool(16);
			AtomicLong queries = new AtomicLong();
			List<Throwable> failures = new ArrayList<>();
			Instant end = Instant.now().plusSeconds(20);
			List<Future<?>> running = new ArrayList<>();
			for (int i = 0; i < 16; i++) {
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
			int evictions = 0;
			Instant nextRotation = Instant.now().plusSeconds(2);
			// The driving loop: rotate every 2 s, evict every second, until the workers stop.
			while (Instant.now().isBefore(end)) {
				awaitUntil(Instant.now().plusSeconds(1));
				pool.getHikariPoolMXBean().softEvictConnections();
				evictions++;
				if (!Instant.now().isBefore(nextRotation)) {
					rotator.rotate();
					nextRotation = nextRotation.plusSeconds(2);
				}
			}
			for (Future<?> worker : running) {
				worker.get(60, TimeUnit.SECONDS);
			}
			workers.shutdown();
			assertThat(failures).as("failed queries").isEmpty();
			assertThat(queries.get()).isGreaterThan(1000);
			assertThat(rotator.rotations.get()).isGreaterThanOrEqualTo(10);
			assertThat(evictions).isGreaterThanOrEqualTo(18);
			long logins = sessions() - sessionsBefore;
			// Each rotation may be seen by the file watch and by the refresh schedule, never per login.
			assertThat(provider.calls.get()).isLessThanOrEqualTo(3 * rotator.rotations.get() + 3);
			assertThat(logins).as("physical logins").isGreaterThan(3L * provider.calls.get());
			assertThat(rolesThatLoggedIn()).contains(roleA, roleB);
		});
	}

	@Test
	void coldBurstFetchesOnce() throws Exception {
		String role = newRole();
		String password = this.secrets.newPassword();
		postgres.setPassword(role, password);
		CountDownLatch release = new CountDownLatch(1);
		CountingProvider provider = new CountingProvider(() -> {
			release.await();
			return DbCredential.of(role, password, null);
		});
		runner().withBean(CredentialProvider.class, () -> provider).run((context) -> {
			DataSource dataSource = context.getBean(DataSource.class);
			ExecutorService burst = Executors.newFixedThreadPool(50);
			CountDownLatch ready = new CountDownLatch(50);
			List<Future<String>> results = new ArrayList<>();
			for (int i = 0; i < 50; i++) {
				results.add(burst.submit(() -> {
					ready.countDown();
					ready.await();
					try (Connection connection = dataSource.getConnection();
							Statement statement = connection.createStatement();
							ResultSet resultSet = statement.executeQuery("SELECT current_user")) {
						resultSet.next();
						return resultSet.getString(1);
					}
				}));
			}
			ready.await();
			release.countDown();
			for (Future<String> result : results) {
				assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(role);
			}
			burst.shutdown();
			assertThat(provider.calls.get()).isEqualTo(1);
		});
	}

	@Test
	void earlyRevocationRecoversWithoutFailingAConnection() throws Exception {
		String role = newRole();
		String first = this.secrets.newPassword();
		postgres.setPassword(role, first);
		AtomicReference<String> source = new AtomicReference<>(first);
		// The source never announces changes: the cache learns of the revocation only from the database.
		CountingProvider provider = new CountingProvider(
				() -> DbCredential.of(role, source.get(), Instant.now().plus(Duration.ofHours(1))));
		runner().withBean(CredentialProvider.class, () -> provider).run((context) -> {
			HikariDataSource pool = hikari(context);
			query(pool);
			assertThat(provider.calls.get()).isEqualTo(1);
			String second = this.secrets.newPassword();
			postgres.setPassword(role, second);
			source.set(second);
			postgres.terminateConnections(role);
			pool.getHikariPoolMXBean().softEvictConnections();
			for (int i = 0; i < 20; i++) {
				assertThatNoException().isThrownBy(() -> query(pool));
			}
			assertThat(provider.calls.get()).isEqualTo(2);
			CredentialCache cache = context.getBean(CredentialCacheRegistry.class).get("dataSource");
			assertThat(cache.snapshot().fingerprint()).isEqualTo(DbCredential.of(role, second, null).fingerprint());
		});
	}

	@Test
	void providerOutageServesTheValidCredentialThenNamesTheCauseThenRecovers(CapturedOutput output) throws Exception {
		String role = newRole();
		String password = this.secrets.newPassword();
		postgres.setPassword(role, password);
		AtomicReference<Instant> expiresAt = new AtomicReference<>(Instant.now().plusSeconds(6));
		AtomicReference<String> outage = new AtomicReference<>();
		CountingProvider provider = new CountingProvider(() -> {
			if (outage.get() != null) {
				throw new IllegalStateException(outage.get());
			}
			return DbCredential.of(role, password, expiresAt.get());
		});
		runner("refreshing.datasource.refresh.retry.max-attempts=2",
				"refreshing.datasource.refresh.retry.initial-interval=50ms",
				"refreshing.datasource.refresh.retry.max-interval=500ms",
				"spring.datasource.hikari.connection-timeout=1500")
			.withBean(CredentialProvider.class, () -> provider)
			.run((context) -> {
				HikariDataSource pool = hikari(context);
				CredentialCache cache = context.getBean(CredentialCacheRegistry.class).get("dataSource");
				query(pool);
				outage.set("token service unavailable (HTTP 503)");
				int callsAtOutage = provider.calls.get();
				// Longer than the retry budget (2 attempts) while the credential is still valid.
				cache.refresh().handle((credential, failure) -> null).get(10, TimeUnit.SECONDS);
				assertThat(provider.calls.get()).isGreaterThanOrEqualTo(callsAtOutage + 2);
				assertThat(cache.snapshot().lastFailure()).isNotNull();
				assertThat(cache.snapshot().valid()).isTrue();
				pool.getHikariPoolMXBean().softEvictConnections();
				for (int i = 0; i < 10; i++) {
					assertThatNoException().isThrownBy(() -> query(pool));
				}
				await().atMost(Duration.ofSeconds(15)).until(() -> !cache.snapshot().valid());
				pool.getHikariPoolMXBean().softEvictConnections();
				await().atMost(Duration.ofSeconds(10)).until(() -> pool.getHikariPoolMXBean().getTotalConnections() == 0);
				assertThatExceptionOfType(SQLException.class).isThrownBy(() -> query(pool))
					.satisfies((ex) -> assertThat(messages(ex)).contains("datasource 'dataSource'")
						.contains("provider: bean")
						.contains("token service unavailable (HTTP 503)"));
				expiresAt.set(Instant.now().plusSeconds(60));
				outage.set(null);
				// Recovery needs no restart and no caller: the scheduled retry fetches again.
				await().atMost(Duration.ofSeconds(10)).until(() -> cache.snapshot().valid());
				assertThatNoException().isThrownBy(() -> query(pool));
			});
		assertThat(output.getAll()).contains("token service unavailable (HTTP 503)");
	}

	@Test
	void hungProviderIsCutOffAtFetchTimeout() throws Exception {
		String role = newRole();
		CountDownLatch interrupted = new CountDownLatch(1);
		CredentialProvider hung = () -> {
			try {
				new CountDownLatch(1).await();
			}
			catch (InterruptedException ex) {
				interrupted.countDown();
				throw ex;
			}
			throw new IllegalStateException("unreachable");
		};
		runner("refreshing.datasource.refresh.fetch-timeout=500ms", "refreshing.datasource.refresh.retry.max-attempts=1",
				"spring.datasource.hikari.initialization-fail-timeout=-1",
				"spring.datasource.hikari.connection-timeout=2000")
			.withBean(CredentialProvider.class, () -> hung)
			.run((context) -> {
				DataSource dataSource = context.getBean(DataSource.class);
				SQLException failure = assertTimeoutPreemptively(Duration.ofSeconds(20),
						() -> org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
								() -> dataSource.getConnection().close()));
				assertThat(messages(failure)).contains("fetch-timeout (PT0.5S)").contains("datasource 'dataSource'");
				assertThat(interrupted.await(5, TimeUnit.SECONDS)).as("hung provider interrupted").isTrue();
			});
	}

	@Test
	void onRotationKeepLeavesPooledConnectionsLoggedInAsBefore() throws Exception {
		assertThat(pooledUsersAfterRotation("keep")).containsOnly("first");
	}

	@Test
	void onRotationEvictReplacesPooledConnectionsWithNewLogins() throws Exception {
		assertThat(pooledUsersAfterRotation("evict")).containsOnly("second");
	}

	/**
	 * Fill a pool of 4 fixed connections as one role, rotate the source to another role,
	 * and report which roles the pooled connections are logged in as afterwards.
	 */
	private Set<String> pooledUsersAfterRotation(String onRotation) throws Exception {
		String first = newRole();
		String second = newRole();
		String firstPassword = this.secrets.newPassword();
		String secondPassword = this.secrets.newPassword();
		postgres.setPassword(first, firstPassword);
		postgres.setPassword(second, secondPassword);
		AtomicReference<DbCredential> source = new AtomicReference<>(DbCredential.of(first, firstPassword, null));
		Set<String> users = ConcurrentHashMap.newKeySet();
		runner("refreshing.datasource.on-rotation=" + onRotation, "spring.datasource.hikari.maximum-pool-size=4",
				"spring.datasource.hikari.minimum-idle=4")
			.withBean(CredentialProvider.class, () -> source::get)
			.run((context) -> {
				HikariDataSource pool = hikari(context);
				query(pool);
				await().atMost(Duration.ofSeconds(10)).until(() -> pool.getHikariPoolMXBean().getIdleConnections() == 4);
				source.set(DbCredential.of(second, secondPassword, null));
				CredentialCache cache = context.getBean(CredentialCacheRegistry.class).get("dataSource");
				cache.refresh().get(10, TimeUnit.SECONDS);
				await().atMost(Duration.ofSeconds(10)).until(() -> pool.getHikariPoolMXBean().getIdleConnections() == 4);
				List<Connection> borrowed = new ArrayList<>();
				try {
					for (int i = 0; i < 4; i++) {
						Connection connection = pool.getConnection();
						borrowed.add(connection);
						try (Statement statement = connection.createStatement();
								ResultSet resultSet = statement.executeQuery("SELECT current_user")) {
							resultSet.next();
							users.add(resultSet.getString(1).equals(first) ? "first" : "second");
						}
					}
				}
				finally {
					for (Connection connection : borrowed) {
						connection.close();
					}
				}
			});
		return users;
	}

	private String newRole() {
		String role = "app_" + roleCounter.incrementAndGet();
		postgres.createLoginRole(role, this.secrets.newPassword());
		return role;
	}


	private static HikariDataSource hikari(AssertableApplicationContext context) throws SQLException {
		assertThat(context).hasNotFailed();
		return context.getBean(DataSource.class).unwrap(HikariDataSource.class);
	}

	private static void query(DataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("INSERT INTO ledger (role, at) VALUES (current_user, now())");
			try (ResultSet resultSet = statement.executeQuery("SELECT count(*) FROM ledger WHERE role = current_user")) {
				resultSet.next();
			}
		}
	}

	private static long sessions() throws SQLException {
		try (Connection connection = postgres.superuserConnection(); Statement statement = connection.createStatement()) {
			statement.execute("SELECT pg_stat_force_next_flush()");
			statement.execute("SELECT pg_stat_clear_snapshot()");
			try (ResultSet resultSet = statement
				.executeQuery("SELECT sessions FROM pg_stat_database WHERE datname = 'postgres'")) {
				resultSet.next();
				return resultSet.getLong(1);
			}
		}
	}

	private static Set<String> rolesThatLoggedIn() throws SQLException {
		Set<String> roles = ConcurrentHashMap.newKeySet();
		try (Connection connection = postgres.superuserConnection();
				Statement statement = connection.createStatement();
				ResultSet resultSet = statement.executeQuery("SELECT DISTINCT role FROM ledger")) {
			while (resultSet.next()) {
				roles.add(resultSet.getString(1));
			}
		}
		return roles;
	}

	private static String messages(Throwable failure) {
		StringBuilder messages = new StringBuilder();
		for (Throwable candidate = failure; candidate != null; candidate = candidate.getCause()) {
			messages.append(candidate).append('\n');
		}
		return messages.toString();
	}

	private static void awaitUntil(Instant instant) {
		await().pollInterval(Duration.ofMillis(20))
			.atMost(Duration.ofSeconds(5))
			.until(() -> !Instant.now().isBefore(instant));
	}

	/**
	 * Rotates like AWS "alternating users": each rotation gives the next of two roles a new
	 * password and publishes it, so the previous credential stays valid until the rotation
	 * after.
	 */
	private final class Rotator {

		private final Path file;

		private final String[] roles;

		final AtomicInteger rotations = new AtomicInteger();

		Rotator(Path file, String... roles) {
			this.file = file;
			this.roles = roles;
		}

		void rotate() throws Exception {
			int rotation = this.rotations.getAndIncrement();
			String role = this.roles[rotation % this.roles.length];
			String password = RotatingCredentialsIntegrationTests.this.secrets.newPassword();
			Instant now = Instant.now();
			postgres.setPassword(role, password, now.plusSeconds(8));
			Path temp = Files.writeString(this.file.resolveSibling("db.json.tmp"), "{\"username\":\"" + role
					+ "\",\"password\":\"" + password + "\",\"expires_at\":\"" + now.plusSeconds(4) + "\"}");
			Files.move(temp, this.file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}

	}

	/** Counts fetches; passes change notifications through. */
	private static final class CountingProvider implements CredentialProvider {

		private final CredentialProvider delegate;

		final AtomicInteger calls = new AtomicInteger();

		CountingProvider(CredentialProvider delegate) {
			this.delegate = delegate;
		}

		@Override
		public DbCredential fetch() throws Exception {
			this.calls.incrementAndGet();
			return this.delegate.fetch();
		}

		@Override
		public AutoCloseable watch(Runnable listener) {
			return this.delegate.watch(listener);
		}

	}

}
