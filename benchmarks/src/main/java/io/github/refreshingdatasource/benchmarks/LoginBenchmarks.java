package io.github.refreshingdatasource.benchmarks;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One physical SCRAM-SHA-256 login as HikariCP performs it for each new connection (ask
 * the credentials provider, then {@code getConnection(user, password)} on the DataSource
 * it logs in through), called directly so HikariCP's connection adder, which pauses 30 ms
 * after each connection it adds, does not pace it. Sides, all open in the fork and
 * measured in turn ({@link InterleavedForks}):
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

	/** The sides, in the order {@link InterleavedForks#sideAt} walks them. */
	static final String[] SIDES = { Pools.PLAIN, Pools.CACHED, Pools.PER_CONNECTION_FETCH };

	private final Map<String, Pools.LoginPath> paths = new LinkedHashMap<>();

	private int iteration;

	private Pools.LoginPath active;

	@Setup
	public void open() {
		for (String side : SIDES) {
			this.paths.put(side, Pools.loginPath(BenchDatabase.fromSystemProperty(), side));
		}
	}

	@Setup(Level.Iteration)
	public void nextSide() {
		this.active = this.paths.get(InterleavedForks.sideAt(SIDES, this.iteration++));
	}

	@TearDown
	public void close() {
		this.paths.values().forEach(Pools.LoginPath::close);
	}

	@Benchmark
	public void login() throws SQLException {
		this.active.loginOnce();
	}

}
