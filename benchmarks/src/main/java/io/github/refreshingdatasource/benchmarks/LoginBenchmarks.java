package io.github.refreshingdatasource.benchmarks;

import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One physical SCRAM-SHA-256 login as HikariCP performs it for each new connection (ask
 * the credentials provider, then {@code getConnection(user, password)} on the DataSource
 * it logs in through), called directly so HikariCP's connection adder, which pauses 30 ms
 * after each connection it adds, does not pace it. Sides, one per fork:
 * <ul>
 * <li>{@code plain}: HikariCP's static credentials and its own driver DataSource;</li>
 * <li>{@code cached}: the bound pool's credentials provider and DataSource, with a provider
 * taking {@link Pools#SLOW_PROVIDER} per call behind the cache;</li>
 * <li>{@code perConnectionFetch}: that slow provider called on every login, as
 * per-connection driver plugins do.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class LoginBenchmarks {

	@Param({ Pools.PLAIN, Pools.CACHED, Pools.PER_CONNECTION_FETCH })
	public String side;

	private Pools.LoginPath path;

	@Setup
	public void open() {
		this.path = Pools.loginPath(BenchDatabase.fromSystemProperty(), this.side);
	}

	@TearDown
	public void close() {
		this.path.close();
	}

	@Benchmark
	public void login() throws SQLException {
		this.path.loginOnce();
	}

}
