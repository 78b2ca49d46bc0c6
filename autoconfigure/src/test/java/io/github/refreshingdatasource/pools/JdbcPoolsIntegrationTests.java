package io.github.refreshingdatasource.pools;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import io.github.refreshingdatasource.autoconfigure.RefreshingDataSourceAutoConfiguration;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.testsupport.PoolLoad;
import io.github.refreshingdatasource.testsupport.ScramPostgres;
import io.github.refreshingdatasource.testsupport.Secrets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tomcat JDBC, DBCP2 and Oracle UCP (pooling PostgreSQL through its generic connection
 * factory), each built by Spring Boot from {@code spring.datasource.type} and bound by the
 * starter, against the real SCRAM-only PostgreSQL. The 20-second rotation runs of the three
 * pools run at the same time, on one database, so the class stays short.
 */
@ExtendWith(OutputCaptureExtension.class)
class JdbcPoolsIntegrationTests {

	private static final Duration LOAD = Duration.ofSeconds(20);

	private static final Duration ROTATE_EVERY = Duration.ofSeconds(2);

	private static ScramPostgres postgres;

	private static final AtomicInteger roleCounter = new AtomicInteger();

	private final Secrets secrets = new Secrets();

	@BeforeAll
	static void startPostgres() {
		postgres = ScramPostgres.start();
	}

	@AfterAll
	static void stopPostgres() {
		postgres.close();
	}

	@AfterEach
	void noPasswordInOutput(CapturedOutput output) {
		this.secrets.assertNoneIn(output.getAll());
	}

	private ApplicationContextRunner runner(JdbcPool pool, CredentialProvider provider, String... properties) {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataSourceAutoConfiguration.class, RefreshingDataSourceAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + postgres.jdbcUrl(), "refreshing.datasource.provider.type=bean",
					"refreshing.datasource.refresh.jitter=0s")
			.withPropertyValues(pool.properties())
			.withPropertyValues(properties)
			.withBean(CredentialProvider.class, () -> provider);
	}

	@Test
	void rotationUnderLoadLosesNoQueryInAnyPool() throws Exception {
		Map<JdbcPool, Rotator> rotators = new EnumMap<>(JdbcPool.class);
		Map<JdbcPool, PoolLoad.Result> results = new EnumMap<>(JdbcPool.class);
		for (JdbcPool pool : JdbcPool.values()) {
			rotators.put(pool, new Rotator(newRole(), newRole()));
		}
		ExecutorService pools = Executors.newFixedThreadPool(JdbcPool.values().length);
		ScheduledExecutorService rotation = Executors.newSingleThreadScheduledExecutor();
		try {
			rotation.scheduleAtFixedRate(() -> rotators.values().forEach(Rotator::rotate), ROTATE_EVERY.toMillis(),
					ROTATE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
			List<Future<?>> runs = new ArrayList<>();
			for (JdbcPool pool : JdbcPool.values()) {
				runs.add(pools.submit(() -> {
					runner(pool, rotators.get(pool), "refreshing.datasource.on-rotation=evict").run((context) -> {
						assertThat(context).hasNotFailed();
						DataSource dataSource = context.getBean(DataSource.class);
						PoolLoad.Result result = PoolLoad.run(dataSource, LOAD, 16, Duration.ofSeconds(1),
								() -> pool.evict(dataSource));
						synchronized (results) {
							results.put(pool, result);
						}
					});
					return null;
				}));
			}
			for (Future<?> run : runs) {
				run.get(LOAD.toSeconds() + 90, TimeUnit.SECONDS);
			}
		}
		finally {
			rotation.shutdownNow();
			pools.shutdownNow();
		}
		for (JdbcPool pool : JdbcPool.values()) {
			PoolLoad.Result result = results.get(pool);
			assertThat(result.failures()).as(pool + " failed queries").isEmpty();
			assertThat(result.queries()).as(pool + " queries").isGreaterThan(500);
			// One eviction a second for 20 s, on 2 CPUs shared by four pools' loads: at least half of them ran.
			assertThat(result.evictions()).as(pool + " evictions").isGreaterThanOrEqualTo((int) (LOAD.toSeconds() / 2));
			assertThat(rotators.get(pool).rotations.get()).as(pool + " rotations").isGreaterThanOrEqualTo(8);
			// Both roles of the pair logged in: new physical connections followed the rotation.
			for (String role : rotators.get(pool).roles) {
				assertThat(PoolLoad.loginsOf(postgres, role)).as(pool + " logins of " + role).isPositive();
			}
		}
	}

	@ParameterizedTest
	@EnumSource(JdbcPool.class)
	void earlyRevocationRecoversWithoutRestart(JdbcPool pool) throws Exception {
		String role = newRole();
		String first = this.secrets.newPassword();
		postgres.setPassword(role, first);
		AtomicReference<String> source = new AtomicReference<>(first);
		AtomicInteger calls = new AtomicInteger();
		// The source never announces changes: the cache learns of the revocation only from the database.
		CredentialProvider provider = () -> {
			calls.incrementAndGet();
			return DbCredential.of(role, source.get(), Instant.now().plus(Duration.ofHours(1)));
		};
		runner(pool, provider).run((context) -> {
			DataSource dataSource = context.getBean(DataSource.class);
			assertThat(PoolLoad.query(dataSource)).isEqualTo(role);
			assertThat(calls.get()).isEqualTo(1);
			String second = this.secrets.newPassword();
			postgres.setPassword(role, second);
			source.set(second);
			postgres.terminateConnections(role);
			pool.evict(dataSource);
			for (int i = 0; i < 20; i++) {
				assertThatNoException().isThrownBy(() -> PoolLoad.query(dataSource));
			}
			assertThat(calls.get()).isEqualTo(2);
			CredentialCache cache = context.getBean(CredentialCacheRegistry.class).get("dataSource");
			assertThat(cache.snapshot().fingerprint()).isEqualTo(DbCredential.of(role, second, null).fingerprint());
		});
	}

	@ParameterizedTest
	@EnumSource(JdbcPool.class)
	void coldBurstFetchesOnce(JdbcPool pool) throws Exception {
		String role = newRole();
		String password = this.secrets.newPassword();
		postgres.setPassword(role, password);
		CountDownLatch release = new CountDownLatch(1);
		AtomicInteger calls = new AtomicInteger();
		CredentialProvider provider = () -> {
			calls.incrementAndGet();
			release.await();
			return DbCredential.of(role, password, null);
		};
		runner(pool, provider).run((context) -> {
			DataSource dataSource = context.getBean(DataSource.class);
			ExecutorService burst = Executors.newFixedThreadPool(32);
			CountDownLatch ready = new CountDownLatch(32);
			List<Future<String>> results = new ArrayList<>();
			for (int i = 0; i < 32; i++) {
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
			try {
				for (Future<String> result : results) {
					assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo(role);
				}
			}
			finally {
				burst.shutdownNow();
			}
			assertThat(calls.get()).isEqualTo(1);
		});
	}

	private String newRole() {
		String role = "pool_" + roleCounter.incrementAndGet();
		postgres.createLoginRole(role, this.secrets.newPassword());
		return role;
	}

	/**
	 * Rotates like AWS "alternating users": each rotation gives the next of two roles a new
	 * password, valid for 8 s, and serves it with a stated expiry of 4 s, so the previous
	 * credential still logs in while the cache catches up.
	 */
	private final class Rotator implements CredentialProvider {

		final String[] roles;

		final AtomicInteger rotations = new AtomicInteger();

		private final AtomicReference<DbCredential> current = new AtomicReference<>();

		Rotator(String... roles) {
			this.roles = roles;
			rotate();
		}

		void rotate() {
			int rotation = this.rotations.getAndIncrement();
			String role = this.roles[rotation % this.roles.length];
			String password = JdbcPoolsIntegrationTests.this.secrets.newPassword();
			Instant now = Instant.now();
			postgres.setPassword(role, password, now.plusSeconds(8));
			this.current.set(DbCredential.of(role, password, now.plusSeconds(4)));
		}

		@Override
		public DbCredential fetch() {
			return this.current.get();
		}

	}

}
