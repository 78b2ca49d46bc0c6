package io.github.refreshingdatasource.autoconfigure;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariCredentialsProvider;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.util.Credentials;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.testsupport.CacheEvents;
import io.github.refreshingdatasource.testsupport.ScramPostgres;
import io.github.refreshingdatasource.testsupport.ScriptedCredentialProvider;
import io.github.refreshingdatasource.testsupport.Secrets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.datasource.DelegatingDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The warm path proven by counting rather than by timing: once the pool is full, a million
 * borrows go through HikariCP alone. The starter's credential cache, the DataSource the
 * binding gives HikariCP to log in through, and the provider are each called zero times,
 * and the same physical PostgreSQL sessions serve every borrow.
 * <p>
 * The counters sit where nothing can bypass them: HikariCP reaches the cache only through
 * the credentials provider the binding set, and opens connections only through the
 * DataSource the binding set, so a post-processor that runs after the starter's wraps both
 * in counters before the pool starts. The cache's own activity is counted by a listener
 * (every refresh, rejection and retry) and the provider counts its own calls.
 */
@ExtendWith(OutputCaptureExtension.class)
class WarmPathCountingIntegrationTests {

	private static final int POOL_SIZE = 4;

	private static final int BORROWERS = 4;

	private static final int BORROWS = 1_000_000;

	private static ScramPostgres postgres;

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

	@Test
	void aMillionWarmBorrowsCallNeitherTheCacheNorTheBindingsDataSourceNorTheProvider() throws Exception {
		String password = this.secrets.newPassword();
		postgres.createLoginRole("warm_path", password);
		// A long-lived credential: nothing is due to refresh while the borrows run.
		ScriptedCredentialProvider provider = new ScriptedCredentialProvider("warm_path", password,
				Instant.now().plus(Duration.ofHours(2)));
		Counters counters = new Counters();
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataSourceAutoConfiguration.class, RefreshingDataSourceAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + postgres.jdbcUrl(),
					"spring.datasource.hikari.maximum-pool-size=" + POOL_SIZE,
					"spring.datasource.hikari.minimum-idle=" + POOL_SIZE,
					"spring.datasource.hikari.connection-timeout=10000", "refreshing.datasource.provider.type=bean")
			.withBean(CredentialProvider.class, () -> provider)
			.withBean("countingBinding", BeanPostProcessor.class, () -> new CountingBinding(counters))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				assertThat(counters.wrapped).as("the counters wrap the bound pool").isTrue();
				CredentialCache cache = context.getBean(CredentialCacheRegistry.class).get("dataSource");
				assertThat(cache).isNotNull();
				cache.addListener(counters.cacheEvents);
				List<Integer> sessionsBefore = backendPids(pool);
				HikariPoolMXBean mxBean = pool.getHikariPoolMXBean();
				await().atMost(Duration.ofSeconds(30))
					.until(() -> mxBean.getTotalConnections() == POOL_SIZE && mxBean.getIdleConnections() == POOL_SIZE);

				long credentialsBefore = counters.credentialRequests.get();
				long loginsBefore = counters.logins.get();
				int providerBefore = provider.calls();
				// The start-up fetch may still be reported after the listener was added: count from here.
				long cacheEventsBefore = counters.cacheEvents.total();
				assertThat(credentialsBefore).as("the pool asked for a credential while it filled").isPositive();
				assertThat(loginsBefore).as("the pool logged in through the binding while it filled").isPositive();

				long borrowed = borrowFromThreads(pool);

				assertThat(borrowed).isEqualTo(BORROWS);
				assertThat(counters.credentialRequests.get() - credentialsBefore).as("credential cache lookups")
					.isZero();
				assertThat(counters.logins.get() - loginsBefore).as("calls to the binding's DataSource").isZero();
				assertThat(provider.calls() - providerBefore).as("provider calls").isZero();
				assertThat(counters.cacheEvents.total() - cacheEventsBefore).as("cache refreshes, rejections and retries")
					.isZero();
				assertThat(mxBean.getTotalConnections()).isEqualTo(POOL_SIZE);
				assertThat(backendPids(pool)).as("the same physical sessions")
					.containsExactlyInAnyOrderElementsOf(sessionsBefore);
			});
	}

	/** Borrows and returns connections from several threads until {@link #BORROWS} are done. */
	private static long borrowFromThreads(DataSource pool) throws Exception {
		AtomicLong remaining = new AtomicLong(BORROWS);
		AtomicLong done = new AtomicLong();
		ExecutorService borrowers = Executors.newFixedThreadPool(BORROWERS);
		try {
			List<Future<?>> running = new ArrayList<>();
			for (int i = 0; i < BORROWERS; i++) {
				running.add(borrowers.submit(() -> {
					while (remaining.getAndDecrement() > 0) {
						try (Connection connection = pool.getConnection()) {
							done.incrementAndGet();
						}
					}
					return null;
				}));
			}
			for (Future<?> future : running) {
				// Generous for a loaded 2-CPU machine; a quiet one needs a few seconds.
				future.get(2, TimeUnit.MINUTES);
			}
		}
		finally {
			borrowers.shutdownNow();
		}
		return done.get();
	}

	/** The PostgreSQL backend process of every pooled connection, all borrowed at once. */
	private static List<Integer> backendPids(DataSource pool) throws SQLException {
		List<Connection> held = new ArrayList<>();
		try {
			List<Integer> pids = new ArrayList<>();
			for (int i = 0; i < POOL_SIZE; i++) {
				Connection connection = pool.getConnection();
				held.add(connection);
				pids.add(connection.unwrap(PGConnection.class).getBackendPID());
			}
			return pids;
		}
		finally {
			for (Connection connection : held) {
				connection.close();
			}
		}
	}

	private static final class Counters {

		final AtomicLong credentialRequests = new AtomicLong();

		final AtomicLong logins = new AtomicLong();

		final CacheEvents cacheEvents = new CacheEvents();

		volatile boolean wrapped;

	}

	/**
	 * Runs after the starter's post-processor (it is not ordered, the starter's is), so it
	 * wraps exactly what the binding set, before anything starts the pool.
	 */
	private static final class CountingBinding implements BeanPostProcessor {

		private final Counters counters;

		CountingBinding(Counters counters) {
			this.counters = counters;
		}

		@Override
		public Object postProcessAfterInitialization(Object bean, String beanName) {
			if (bean instanceof HikariDataSource pool && pool.getCredentialsProvider() != null
					&& pool.getDataSource() != null) {
				HikariCredentialsProvider bound = pool.getCredentialsProvider();
				pool.setCredentialsProvider(() -> {
					this.counters.credentialRequests.incrementAndGet();
					return bound.getCredentials();
				});
				pool.setDataSource(new CountingDataSource(pool.getDataSource(), this.counters.logins));
				this.counters.wrapped = true;
			}
			return bean;
		}

	}

	private static final class CountingDataSource extends DelegatingDataSource {

		private final AtomicLong calls;

		CountingDataSource(DataSource target, AtomicLong calls) {
			super(target);
			this.calls = calls;
		}

		@Override
		public Connection getConnection() throws SQLException {
			this.calls.incrementAndGet();
			return super.getConnection();
		}

		@Override
		public Connection getConnection(String username, String password) throws SQLException {
			this.calls.incrementAndGet();
			return super.getConnection(username, password);
		}

	}

}
