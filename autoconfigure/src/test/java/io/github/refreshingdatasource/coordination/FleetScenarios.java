package io.github.refreshingdatasource.coordination;

import java.nio.file.Files;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.autoconfigure.RefreshingDataSourceAutoConfiguration;
import io.github.refreshingdatasource.autoconfigure.endpoint.DbCredentialsEndpoint;
import io.github.refreshingdatasource.autoconfigure.endpoint.RefreshingDataSourceEndpointAutoConfiguration;
import io.github.refreshingdatasource.autoconfigure.coordination.RefreshingDataSourceCoordinationAutoConfiguration;
import io.github.refreshingdatasource.testsupport.LocalAuthorizationServer;
import io.github.refreshingdatasource.testsupport.PoolLoad;
import io.github.refreshingdatasource.testsupport.ScramPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fleet scenarios every coordination backend must pass, with real engines: three
 * replicas (separate application contexts) against the embedded SCRAM PostgreSQL and the
 * real Spring Authorization Server, whose refresh tokens are single-use and whose access
 * token becomes the role's password (valid until its expiry) before the client receives
 * it. So a replica that logs in with anything but the fleet's newest token is rejected, and
 * a replica that redeems a spent refresh token gets {@code invalid_grant}.
 */
@ExtendWith(OutputCaptureExtension.class)
abstract class FleetScenarios {

	static final Duration TOKEN_LIFETIME = Duration.ofSeconds(2);

	/** At least 20 token lifetimes, and each test under a minute. */
	static final Duration LOAD = TOKEN_LIFETIME.multipliedBy(21);

	static final int REPLICAS = 3;

	static final int THREADS = 16;

	private static final AtomicInteger counter = new AtomicInteger();

	private static final Set<String> secrets = ConcurrentHashMap.newKeySet();

	static ScramPostgres postgres;

	static LocalAuthorizationServer server;

	private static volatile String tokenRole;

	/** When each refresh_token grant was answered, oldest first. */
	private static final java.util.Queue<Long> refreshedAt = new java.util.concurrent.ConcurrentLinkedQueue<>();

	@BeforeAll
	static void startEngines() {
		postgres = ScramPostgres.start();
		server = LocalAuthorizationServer.start(TOKEN_LIFETIME, (grantType, accessToken, expiresAt) -> {
			secrets.add(accessToken);
			if ("refresh_token".equals(grantType)) {
				refreshedAt.add(System.nanoTime());
			}
			String role = tokenRole;
			if (role != null) {
				postgres.setPassword(role, accessToken, expiresAt);
			}
		});
		secrets.add(server.clientSecret());
		secrets.add(server.userPassword());
	}

	@AfterAll
	static void stopEngines() {
		server.close();
		postgres.close();
	}

	@AfterEach
	void noSecretInOutput(CapturedOutput output) {
		secrets.addAll(server.refreshTokensIssued());
		for (String secret : secrets) {
			assertThat(output.getAll()).as("captured output must not contain a token or secret").doesNotContain(secret);
		}
	}

	/** The backend's properties, unique to one test (a fresh key or table prefix). */
	abstract String[] coordination(int test);

	/** The backend's additions to a replica (its own beans). */
	ApplicationContextRunner backend(ApplicationContextRunner runner) {
		return runner;
	}

	ApplicationContextRunner replica(String... properties) {
		return backend(new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, DataRedisAutoConfiguration.class,
					RefreshingDataSourceAutoConfiguration.class, RefreshingDataSourceCoordinationAutoConfiguration.class,
					EndpointAutoConfiguration.class, RefreshingDataSourceEndpointAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + postgres.jdbcUrl(),
					"spring.datasource.hikari.maximum-pool-size=4", "spring.datasource.hikari.connection-timeout=10000",
					// The embedded PostgreSQL has no TLS and the authorization server speaks plain
					// HTTP; both listen on 127.0.0.1 only, so no token leaves this host.
					"refreshing.datasource.allow-insecure-transport=true", "refreshing.datasource.refresh.jitter=0s",
					"management.endpoints.web.exposure.include=dbcredentials")
			.withPropertyValues(properties));
	}

	/**
	 * Three replicas of an application on one rotating refresh-token chain, under load:
	 * the fleet asks the endpoint once per refresh period (as one replica alone would), never
	 * redeems a spent token, and no query fails.
	 */
	@Test
	void threeReplicasShareOneTokenPerPeriodAndOneRotatingChain() throws Exception {
		int test = counter.incrementAndGet();
		String role = "fleet_" + test;
		postgres.createLoginRole(role, ScramPostgres.randomPassword());
		tokenRole = role;
		String initial = server.authorize();
		String[] properties = concat(coordination(test), "spring.datasource.username=" + role,
				"refreshing.datasource.provider.type=oauth2",
				"refreshing.datasource.provider.oauth2.token-uri=" + server.tokenUri(),
				"refreshing.datasource.provider.oauth2.client-id=" + LocalAuthorizationServer.CLIENT_ID,
				"refreshing.datasource.provider.oauth2.client-secret=" + server.clientSecret(),
				"refreshing.datasource.provider.oauth2.scope=" + LocalAuthorizationServer.SCOPE,
				"refreshing.datasource.provider.oauth2.grant-type=refresh_token",
				"refreshing.datasource.provider.oauth2.refresh-token=" + initial);
		int refreshesBefore = server.tokensIssued("refresh_token");
		int invalidGrantsBefore = server.errors("invalid_grant");
		fleet(properties, (replicas) -> {
			refreshedAt.clear();
			List<HikariDataSource> pools = new ArrayList<>();
			for (AssertableApplicationContext replica : replicas) {
				assertThat(replica).hasNotFailed();
				pools.add(replica.getBean("dataSource", HikariDataSource.class));
			}
			ExecutorService runners = Executors.newFixedThreadPool(REPLICAS);
			List<PoolLoad.Result> loads = new ArrayList<>();
			try {
				List<Future<PoolLoad.Result>> running = new ArrayList<>();
				for (HikariDataSource pool : pools) {
					running.add(runners.submit(() -> PoolLoad.run(pool, LOAD, THREADS, Duration.ofMillis(250))));
				}
				for (Future<PoolLoad.Result> run : running) {
					loads.add(run.get(LOAD.toSeconds() + 60, TimeUnit.SECONDS));
				}
			}
			finally {
				runners.shutdownNow();
			}
			int tokens = server.tokensIssued("refresh_token") - refreshesBefore;
			long elapsed = loads.stream().mapToLong((load) -> load.elapsed().toMillis()).max().orElseThrow();
			// One replica alone refreshes at half of the remaining lifetime: one token per half-life.
			long periods = elapsed / TOKEN_LIFETIME.dividedBy(2).toMillis();
			long refreshesByReplicas = 0;
			long sharedHits = 0;
			for (AssertableApplicationContext replica : replicas) {
				// What the endpoint shows is this replica's share of the fleet's work.
				DbCredentialsEndpoint.CoordinationDescriptor coordination = replica.getBean(DbCredentialsEndpoint.class)
					.credential("dataSource")
					.coordination();
				assertThat(coordination).isNotNull();
				assertThat(coordination.type()).isEqualTo(coordination(test)[0].substring(
						"refreshing.datasource.coordination.type=".length()));
				assertThat(coordination.brokenChain()).isNull();
				assertThat(coordination.storeFailures()).isZero();
				refreshesByReplicas += coordination.refreshes();
				sharedHits += coordination.sharedHits();
			}
			for (PoolLoad.Result load : loads) {
				assertThat(load.failures()).as("failed queries").isEmpty();
				assertThat(load.queries()).isGreaterThan(100);
			}
			assertThat(server.errors("invalid_grant") - invalidGrantsBefore).as("invalid_grant answers").isZero();
			// At most one per refresh period (+1), at least one per lifetime (or queries would fail).
			assertThat(tokens).as("token requests fleet-wide in %d ms (%d refresh periods)", elapsed, periods)
				.isBetween((int) (elapsed / TOKEN_LIFETIME.toMillis()), (int) periods + 1);
			// A second request within one period (two replicas refreshing for themselves) shows as a short gap.
			List<Long> instants = new ArrayList<>(refreshedAt);
			for (int i = 1; i < instants.size(); i++) {
				assertThat(Duration.ofNanos(instants.get(i) - instants.get(i - 1)))
					.as("time between token requests %d and %d", i - 1, i)
					.isGreaterThan(TOKEN_LIFETIME.dividedBy(4));
			}
			// The replicas' own count agrees with the server's: every provider call was for the fleet.
			assertThat(refreshesByReplicas).isEqualTo(tokens);
			assertThat(sharedHits).as("credentials taken from the fleet").isGreaterThanOrEqualTo(tokens);
		});
	}

	/**
	 * Three replicas log in as a role whose password never matches: the database sees about
	 * one lockout guard's worth of rejected logins (its limit, plus at most one login per
	 * other replica already under way when the pause began), not one guard's worth each.
	 */
	@Test
	void threeReplicasShareOneLockoutGuard() throws Exception {
		int test = counter.incrementAndGet();
		String role = "locked_" + test;
		postgres.createLoginRole(role, ScramPostgres.randomPassword());
		int limit = 3;
		String[] properties = concat(coordination(test), "spring.datasource.username=" + role,
				"spring.datasource.hikari.connection-timeout=1000",
				"refreshing.datasource.provider.type=static",
				"refreshing.datasource.provider.static.password=" + ScramPostgres.randomPassword(),
				"refreshing.datasource.refresh.lockout.max-consecutive-rejections=" + limit,
				"refreshing.datasource.refresh.lockout.pause=1m");
		fleet(properties, (replicas) -> {
			ExecutorService clients = Executors.newFixedThreadPool(REPLICAS * 4);
			try {
				List<Future<?>> running = new ArrayList<>();
				for (AssertableApplicationContext replica : replicas) {
					assertThat(replica).hasNotFailed();
					DataSource pool = replica.getBean("dataSource", DataSource.class);
					for (int thread = 0; thread < 4; thread++) {
						running.add(clients.submit(() -> {
							for (int attempt = 0; attempt < 5; attempt++) {
								try {
									PoolLoad.query(pool);
								}
								catch (SQLException ex) {
									// Expected: rejected, or turned away by the paused guard.
								}
							}
							return null;
						}));
					}
				}
				for (Future<?> run : running) {
					run.get(60, TimeUnit.SECONDS);
				}
			}
			finally {
				clients.shutdownNow();
			}
			// The server writes its log asynchronously: wait for it to hold at least the guard's limit.
			await().atMost(Duration.ofSeconds(5)).until(() -> rejectedLogins(role) >= limit);
			long rejected = rejectedLogins(role);
			assertThat(rejected).as("rejected logins at the server, 3 replicas with a guard of %d", limit)
				.isBetween((long) limit, (long) limit + REPLICAS - 1);
		});
	}

	static long rejectedLogins(String role) throws Exception {
		String marker = "password authentication failed for user \"" + role + "\"";
		return Files.readAllLines(postgres.serverLog()).stream().filter((line) -> line.contains(marker)).count();
	}

	/** Run three replicas side by side, each its own application context. */
	void fleet(String[] properties, Fleet body) {
		ApplicationContextRunner runner = replica(properties);
		List<AssertableApplicationContext> replicas = new ArrayList<>();
		runner.run((first) -> {
			replicas.add(first);
			runner.run((second) -> {
				replicas.add(second);
				runner.run((third) -> {
					replicas.add(third);
					body.accept(replicas);
				});
			});
		});
	}

	/** What a test does with the running replicas. */
	@FunctionalInterface
	interface Fleet {

		void accept(List<AssertableApplicationContext> replicas) throws Exception;

	}

	static String[] concat(String[] first, String... second) {
		String[] all = new String[first.length + second.length];
		System.arraycopy(first, 0, all, 0, first.length);
		System.arraycopy(second, 0, all, first.length, second.length);
		return all;
	}

}
