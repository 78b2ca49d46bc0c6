package io.github.refreshingdatasource.pools;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.github.refreshingdatasource.autoconfigure.RefreshingDataSourceAutoConfiguration;
import io.github.refreshingdatasource.autoconfigure.RefreshingDataSourceConfigurationException;
import io.github.refreshingdatasource.autoconfigure.RefreshingR2dbcAutoConfiguration;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.testsupport.PoolLoad;
import io.github.refreshingdatasource.testsupport.ScramPostgres;
import io.github.refreshingdatasource.testsupport.Secrets;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Spring Boot's R2DBC {@link ConnectionFactory} (r2dbc-pool over r2dbc-postgresql) bound to
 * rotating credentials, against the real SCRAM-only PostgreSQL.
 */
@ExtendWith(OutputCaptureExtension.class)
class R2dbcIntegrationTests {

	private static final Duration LOAD = Duration.ofSeconds(20);

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

	private ApplicationContextRunner runner(CredentialProvider provider, String... properties) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(R2dbcAutoConfiguration.class,
					RefreshingDataSourceAutoConfiguration.class, RefreshingR2dbcAutoConfiguration.class))
			.withPropertyValues("spring.r2dbc.url=r2dbc:postgresql://localhost:" + postgres.port() + "/postgres",
					"spring.r2dbc.pool.max-size=8", "spring.r2dbc.pool.initial-size=1", "spring.r2dbc.pool.max-acquire-time=10s",
					"refreshing.datasource.provider.type=bean", "refreshing.datasource.refresh.jitter=0s")
			.withPropertyValues(properties)
			.withBean(CredentialProvider.class, () -> provider);
	}

	@Test
	void rotationUnderConcurrentSubscriptionsLosesNoQuery() throws Exception {
		String[] roles = { newRole(), newRole() };
		AtomicInteger rotations = new AtomicInteger();
		AtomicReference<DbCredential> current = new AtomicReference<>();
		Runnable rotate = () -> {
			String role = roles[rotations.getAndIncrement() % 2];
			String password = this.secrets.newPassword();
			Instant now = Instant.now();
			postgres.setPassword(role, password, now.plusSeconds(8));
			current.set(DbCredential.of(role, password, now.plusSeconds(4)));
		};
		rotate.run();
		// r2dbc-pool cannot evict on demand: a 1-second max life time keeps new logins coming.
		runner(current::get, "spring.r2dbc.pool.max-life-time=1s").run((context) -> {
			assertThat(context).hasNotFailed();
			ConnectionFactory connectionFactory = context.getBean(ConnectionFactory.class);
			assertThat(connectionFactory).isInstanceOf(ConnectionPool.class);
			ScheduledExecutorService rotation = Executors.newSingleThreadScheduledExecutor();
			ExecutorService subscribers = Executors.newFixedThreadPool(16);
			AtomicLong queries = new AtomicLong();
			List<Throwable> failures = new ArrayList<>();
			Instant end = Instant.now().plus(LOAD);
			try {
				rotation.scheduleAtFixedRate(rotate, 2, 2, TimeUnit.SECONDS);
				List<Future<?>> running = new ArrayList<>();
				for (int i = 0; i < 16; i++) {
					running.add(subscribers.submit(() -> {
						while (Instant.now().isBefore(end)) {
							try {
								currentUser(connectionFactory).block(Duration.ofSeconds(15));
								queries.incrementAndGet();
							}
							catch (RuntimeException ex) {
								synchronized (failures) {
									failures.add(ex);
								}
							}
						}
					}));
				}
				for (Future<?> subscriber : running) {
					subscriber.get(LOAD.toSeconds() + 60, TimeUnit.SECONDS);
				}
			}
			finally {
				rotation.shutdownNow();
				subscribers.shutdownNow();
			}
			assertThat(failures).as("failed queries").isEmpty();
			assertThat(queries.get()).isGreaterThan(500);
			assertThat(rotations.get()).isGreaterThanOrEqualTo(9);
			for (String role : roles) {
				assertThat(PoolLoad.loginsOf(postgres, role)).as("logins of " + role).isPositive();
			}
		});
	}

	@Test
	void earlyRevocationRecoversWithoutRestart() throws Exception {
		String role = newRole();
		String first = this.secrets.newPassword();
		postgres.setPassword(role, first);
		AtomicReference<String> source = new AtomicReference<>(first);
		AtomicInteger calls = new AtomicInteger();
		CredentialProvider provider = () -> {
			calls.incrementAndGet();
			return DbCredential.of(role, source.get(), Instant.now().plus(Duration.ofHours(1)));
		};
		runner(provider).run((context) -> {
			ConnectionFactory connectionFactory = context.getBean(ConnectionFactory.class);
			assertThat(currentUser(connectionFactory).block(Duration.ofSeconds(15))).isEqualTo(role);
			assertThat(calls.get()).isEqualTo(1);
			String second = this.secrets.newPassword();
			postgres.setPassword(role, second);
			source.set(second);
			postgres.terminateConnections(role);
			// A pooled connection whose session the server just ended may fail one query with 57P01 before
			// its close is seen (the termination is asynchronous): that is the kill, not the credential.
			// Recovery means the next logins use the new credential without a restart.
			await().atMost(Duration.ofSeconds(30))
				.ignoreExceptions()
				.until(() -> role.equals(currentUser(connectionFactory).block(Duration.ofSeconds(15))));
			for (int i = 0; i < 20; i++) {
				assertThat(currentUser(connectionFactory).block(Duration.ofSeconds(15))).isEqualTo(role);
			}
			assertThat(calls.get()).isEqualTo(2);
			CredentialCache cache = context.getBean(CredentialCacheRegistry.class).get("connectionFactory");
			assertThat(cache.snapshot().fingerprint()).isEqualTo(DbCredential.of(role, second, null).fingerprint());
		});
	}

	@Test
	void coldBurstFetchesOnce() throws Exception {
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
		runner(provider).run((context) -> {
			ConnectionFactory connectionFactory = context.getBean(ConnectionFactory.class);
			Mono<List<String>> burst = Flux.range(0, 32)
				.flatMap((i) -> currentUser(connectionFactory), 32)
				.collectList()
				.cache();
			burst.subscribe();
			release.countDown();
			List<String> users = burst.block(Duration.ofSeconds(60));
			assertThat(users).hasSize(32).containsOnly(role);
			assertThat(calls.get()).isEqualTo(1);
		});
	}

	@Test
	void driverWhoseOptionsTakeNoPublisherFailsStartup() {
		this.secrets.add("unused-secret");
		runner(() -> DbCredential.of("app", "unused-secret", null),
				"spring.r2dbc.url=r2dbc:mysql://localhost:1/app")
			.run((context) -> {
				assertThat(context).hasFailed();
				RefreshingDataSourceConfigurationException analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("'connectionFactory'")
					.contains("R2DBC driver 'mysql'")
					.contains("cannot rotate");
				assertThat(analysis.getAction())
					.contains("refreshing.datasource.datasources.connectionFactory.enabled=false");
			});
	}

	/** What the starter's failure analyzer reports: the description and action of its exception. */
	private static RefreshingDataSourceConfigurationException analyze(Throwable failure) {
		for (Throwable candidate = failure; candidate != null; candidate = candidate.getCause()) {
			if (candidate instanceof RefreshingDataSourceConfigurationException configuration) {
				return configuration;
			}
		}
		throw new AssertionError("not a configuration failure", failure);
	}

	private static Mono<String> currentUser(ConnectionFactory connectionFactory) {
		return Mono.usingWhen(connectionFactory.create(),
				(Connection connection) -> Mono.from(connection.createStatement("SELECT current_user").execute())
					.flatMap((result) -> Mono.from(result.map((row, metadata) -> row.get(0, String.class)))),
				Connection::close);
	}

	private String newRole() {
		String role = "r2dbc_" + roleCounter.incrementAndGet();
		postgres.createLoginRole(role, this.secrets.newPassword());
		return role;
	}

}
