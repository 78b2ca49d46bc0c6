package io.github.refreshingdatasource.benchmarks;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A warm pool of 8 connections: plain HikariCP and the bound pool, both open in the fork,
 * measured in turn, one iteration each ({@link InterleavedForks}). The binding is not on
 * this path (the counting test {@code WarmPathCountingIntegrationTests} proves it is never
 * called); the ratio shows what a user would measure.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class WarmPoolBenchmarks {

	/** The sides, in the order {@link InterleavedForks#sideAt} walks them. */
	static final String[] SIDES = { Pools.PLAIN, Pools.REFRESHING };

	private final Map<String, Pools.BoundPool> pools = new LinkedHashMap<>();

	private int iteration;

	private HikariDataSource active;

	@Setup
	public void open() throws SQLException {
		for (String side : SIDES) {
			Pools.BoundPool pool = Pools.create(BenchDatabase.fromSystemProperty(), side, 8);
			Connection[] connections = new Connection[8];
			for (int i = 0; i < connections.length; i++) {
				connections[i] = pool.pool().getConnection();
			}
			for (Connection connection : connections) {
				connection.close();
			}
			this.pools.put(side, pool);
		}
	}

	@Setup(Level.Iteration)
	public void nextSide() {
		this.active = this.pools.get(InterleavedForks.sideAt(SIDES, this.iteration++)).pool();
	}

	@TearDown
	public void close() {
		this.pools.values().forEach(Pools.BoundPool::close);
	}

	@Benchmark
	public void borrowReturn(Blackhole blackhole) throws SQLException {
		try (Connection connection = this.active.getConnection()) {
			blackhole.consume(connection);
		}
	}

	@Benchmark
	public int selectOne() throws SQLException {
		try (Connection connection = this.active.getConnection();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT 1")) {
			result.next();
			return result.getInt(1);
		}
	}

}
