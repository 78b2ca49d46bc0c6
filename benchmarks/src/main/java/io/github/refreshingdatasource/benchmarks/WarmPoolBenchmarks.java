package io.github.refreshingdatasource.benchmarks;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * A warm pool of 8 connections, one side per fork ({@link AlternatingForks}): plain
 * HikariCP or the bound pool. The binding is not on this path (the counting test
 * {@code WarmPathCountingIntegrationTests} proves it is never called); the ratio shows
 * what a user would measure.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Benchmark)
public class WarmPoolBenchmarks {

	@Param({ Pools.PLAIN, Pools.REFRESHING })
	public String side;

	private Pools.BoundPool pool;

	@Setup
	public void open() throws SQLException {
		this.pool = Pools.create(BenchDatabase.fromSystemProperty(), this.side, 8);
		Connection[] connections = new Connection[8];
		for (int i = 0; i < connections.length; i++) {
			connections[i] = this.pool.pool().getConnection();
		}
		for (Connection connection : connections) {
			connection.close();
		}
	}

	@TearDown
	public void close() {
		this.pool.close();
	}

	@Benchmark
	public void borrowReturn(Blackhole blackhole) throws SQLException {
		try (Connection connection = this.pool.pool().getConnection()) {
			blackhole.consume(connection);
		}
	}

	@Benchmark
	public int selectOne() throws SQLException {
		try (Connection connection = this.pool.pool().getConnection();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT 1")) {
			result.next();
			return result.getInt(1);
		}
	}

}
