package io.github.refreshingdatasource.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariCredentialsProvider;
import com.zaxxer.hikari.util.Credentials;
import com.zaxxer.hikari.util.DriverDataSource;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.DbCredential;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * New physical connections, each a SCRAM-SHA-256 login with the credential looked up on the
 * way, sampled for the mean (connections per second) and the p99. Each group runs both
 * sides at the same time in one JVM, one thread each, so that both see the same machine:
 * a login takes milliseconds of CPU on client and server, and on a shared machine the
 * background load changes more from one fork to the next than the credential lookup could.
 * <ul>
 * <li>{@code reconnect}: pools of one connection, evicted after every borrow, so each
 * operation waits for the pool to open a new one. HikariCP 7 paces its connection adder
 * (it pauses 30 ms after each connection it adds), which caps this figure for any
 * credential source.</li>
 * <li>{@code login}: the same login path without the pool's pacing, as HikariCP performs it
 * for each new connection: the credential lookup, then {@code getConnection(user, password)}
 * on HikariCP's own driver DataSource for plain HikariCP, on the bound pool's DataSource for
 * the starter.</li>
 * <li>{@code slowProvider}: a provider taking {@link #PROVIDER_LATENCY} per call, called on
 * every connect (what per-connection driver plugins do) or behind the credential cache.</li>
 * </ul>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ReconnectBenchmarks {

	/** Latency of the slow provider, like a call to a cloud token service. */
	static final Duration PROVIDER_LATENCY = Duration.ofMillis(50);

	@Benchmark
	@Group("reconnect")
	@GroupThreads(1)
	public void reconnectPlain(ReconnectingPools state) throws SQLException {
		reconnectOnce(state.plain);
	}

	@Benchmark
	@Group("reconnect")
	@GroupThreads(1)
	public void reconnectRefreshing(ReconnectingPools state) throws SQLException {
		reconnectOnce(state.refreshing);
	}

	@Benchmark
	@Group("login")
	@GroupThreads(1)
	public void loginPlain(LoginPaths state) throws SQLException {
		login(state.plainCredentials, state.plainDataSource);
	}

	@Benchmark
	@Group("login")
	@GroupThreads(1)
	public void loginRefreshing(LoginPaths state) throws SQLException {
		login(state.refreshing.pool().getCredentialsProvider(), state.refreshing.pool().getDataSource());
	}

	@Benchmark
	@Group("slowProvider")
	@GroupThreads(1)
	public void slowProviderPerConnectionFetch(SlowProviderPools state) throws SQLException {
		reconnectOnce(state.perConnectionFetch);
	}

	@Benchmark
	@Group("slowProvider")
	@GroupThreads(1)
	public void slowProviderCached(SlowProviderPools state) throws SQLException {
		reconnectOnce(state.cached);
	}

	private static void reconnectOnce(Pools.BoundPool pool) throws SQLException {
		Connection connection = pool.pool().getConnection();
		// Closes the physical connection; the pool opens a new one for the next borrow.
		pool.pool().evictConnection(connection);
	}

	private static void login(HikariCredentialsProvider credentialsProvider, DataSource dataSource)
			throws SQLException {
		Credentials credentials = credentialsProvider.getCredentials();
		dataSource.getConnection(credentials.getUsername(), credentials.getPassword()).close();
	}

	@State(Scope.Group)
	public static class ReconnectingPools {

		Pools.BoundPool plain;

		Pools.BoundPool refreshing;

		@Setup
		public void open() throws SQLException {
			BenchDatabase database = BenchDatabase.fromSystemProperty();
			this.plain = Pools.create(database, Pools.PLAIN, 1);
			this.refreshing = Pools.create(database, Pools.REFRESHING, 1);
			this.plain.pool().getConnection().close();
			this.refreshing.pool().getConnection().close();
		}

		@TearDown
		public void close() {
			this.plain.close();
			this.refreshing.close();
		}

	}

	@State(Scope.Group)
	public static class LoginPaths {

		HikariCredentialsProvider plainCredentials;

		DataSource plainDataSource;

		Pools.BoundPool refreshing;

		private Pools.BoundPool plain;

		@Setup
		public void open() {
			BenchDatabase database = BenchDatabase.fromSystemProperty();
			this.plain = Pools.create(database, Pools.PLAIN, 1);
			// What plain HikariCP logs in through: its own driver DataSource and its config's credentials.
			this.plainDataSource = new DriverDataSource(database.jdbcUrl(), null, new Properties(), null, null);
			this.plainCredentials = this.plain.pool()::getCredentials;
			this.refreshing = Pools.create(database, Pools.REFRESHING, 1);
		}

		@TearDown
		public void close() {
			this.plain.close();
			this.refreshing.close();
		}

	}

	@State(Scope.Group)
	public static class SlowProviderPools {

		Pools.BoundPool perConnectionFetch;

		Pools.BoundPool cached;

		@Setup
		public void open() throws SQLException {
			BenchDatabase database = BenchDatabase.fromSystemProperty();
			CredentialProvider slow = () -> {
				Thread.sleep(PROVIDER_LATENCY.toMillis());
				return DbCredential.of(BenchDatabase.ROLE, database.password(), Instant.now().plus(Duration.ofHours(1)));
			};
			this.cached = Pools.refreshing(database, 1, slow);
			this.perConnectionFetch = Pools.plain(database, 1);
			this.perConnectionFetch.pool().setCredentialsProvider(() -> {
				try {
					DbCredential credential = slow.fetch();
					return new Credentials(credential.username(), credential.secret());
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex.getMessage(), ex);
				}
			});
			this.cached.pool().getConnection().close();
			this.perConnectionFetch.pool().getConnection().close();
		}

		@TearDown
		public void close() {
			this.perConnectionFetch.close();
			this.cached.close();
		}

	}

}
