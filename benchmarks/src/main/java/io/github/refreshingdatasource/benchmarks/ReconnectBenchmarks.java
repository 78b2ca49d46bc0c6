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
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * New physical connections, each a SCRAM-SHA-256 login with the credential looked up on the
 * way. Sampled, for the mean (connections per second) and the p99.
 * <ul>
 * <li>{@code reconnect}: a pool of one connection, evicted after every borrow, so each
 * operation waits for the pool to open a new one. HikariCP 7 paces its connection adder
 * (it pauses 30 ms after each connection it adds), which caps this figure for any
 * credential source.</li>
 * <li>{@code login}: the same login path without the pool's pacing: what HikariCP does for
 * each new connection, the credential lookup then {@code DataSource.getConnection(user,
 * password)}, through HikariCP's own driver DataSource for plain HikariCP and through the
 * bound pool's DataSource for the starter.</li>
 * </ul>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Threads(1)
public class ReconnectBenchmarks {

	/** Latency of the slow provider, like a call to a cloud token service. */
	static final Duration PROVIDER_LATENCY = Duration.ofMillis(50);

	@Benchmark
	public void reconnect(ReconnectingPool state) throws SQLException {
		reconnectOnce(state.pool);
	}

	@Benchmark
	public void login(LoginPath state) throws SQLException {
		Credentials credentials = state.credentialsSource.getCredentials();
		state.dataSource.getConnection(credentials.getUsername(), credentials.getPassword()).close();
	}

	@Benchmark
	public void reconnectWithSlowProvider(SlowProviderPool state) throws SQLException {
		reconnectOnce(state.pool);
	}

	private static void reconnectOnce(Pools.BoundPool pool) throws SQLException {
		Connection connection = pool.pool().getConnection();
		// Closes the physical connection; the pool opens a new one for the next borrow.
		pool.pool().evictConnection(connection);
	}

	@State(Scope.Benchmark)
	public static class ReconnectingPool {

		@Param({ Pools.PLAIN, Pools.REFRESHING })
		public String credentials;

		Pools.BoundPool pool;

		@Setup
		public void open() throws SQLException {
			this.pool = Pools.create(BenchDatabase.fromSystemProperty(), this.credentials, 1);
			this.pool.pool().getConnection().close();
		}

		@TearDown
		public void close() {
			this.pool.close();
		}

	}

	@State(Scope.Benchmark)
	public static class LoginPath {

		@Param({ Pools.PLAIN, Pools.REFRESHING })
		public String credentials;

		HikariCredentialsProvider credentialsSource;

		DataSource dataSource;

		private Pools.BoundPool pool;

		@Setup
		public void open() {
			BenchDatabase database = BenchDatabase.fromSystemProperty();
			this.pool = Pools.create(database, this.credentials, 1);
			if (this.credentials.equals(Pools.PLAIN)) {
				// What plain HikariCP logs in through: its own driver DataSource and its config's credentials.
				this.dataSource = new DriverDataSource(database.jdbcUrl(), null, new Properties(), null, null);
				this.credentialsSource = this.pool.pool()::getCredentials;
			}
			else {
				this.dataSource = this.pool.pool().getDataSource();
				this.credentialsSource = this.pool.pool().getCredentialsProvider();
			}
		}

		@TearDown
		public void close() {
			this.pool.close();
		}

	}

	/**
	 * The same provider, taking {@link #PROVIDER_LATENCY} per call, either called on every
	 * connect (what per-connection driver plugins do) or behind the credential cache.
	 */
	@State(Scope.Benchmark)
	public static class SlowProviderPool {

		@Param({ "per-connection-fetch", "cached" })
		public String provider;

		Pools.BoundPool pool;

		@Setup
		public void open() throws SQLException {
			BenchDatabase database = BenchDatabase.fromSystemProperty();
			CredentialProvider slow = () -> {
				Thread.sleep(PROVIDER_LATENCY.toMillis());
				return DbCredential.of(BenchDatabase.ROLE, database.password(), Instant.now().plus(Duration.ofHours(1)));
			};
			if (this.provider.equals("cached")) {
				this.pool = Pools.refreshing(database, 1, slow);
			}
			else {
				this.pool = Pools.plain(database, 1);
				this.pool.pool().setCredentialsProvider(() -> {
					try {
						DbCredential credential = slow.fetch();
						return new Credentials(credential.username(), credential.secret());
					}
					catch (Exception ex) {
						throw new IllegalStateException(ex.getMessage(), ex);
					}
				});
			}
			this.pool.pool().getConnection().close();
		}

		@TearDown
		public void close() {
			this.pool.close();
		}

	}

}
