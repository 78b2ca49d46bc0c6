package io.github.refreshingdatasource.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A warm pool of 8 connections: borrow and return, and short queries. The credential is not
 * consulted here at all (it matters only when a physical connection opens), so these show
 * that binding a pool costs nothing once it is running.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PoolBenchmarks {

	@Benchmark
	@Threads(1)
	public void borrowReturn1Thread(WarmPool state, Blackhole blackhole) throws SQLException {
		try (Connection connection = state.pool.pool().getConnection()) {
			blackhole.consume(connection);
		}
	}

	@Benchmark
	@Threads(8)
	public void borrowReturn8Threads(WarmPool state, Blackhole blackhole) throws SQLException {
		try (Connection connection = state.pool.pool().getConnection()) {
			blackhole.consume(connection);
		}
	}

	@Benchmark
	@Threads(8)
	public int selectOne8Threads(WarmPool state) throws SQLException {
		try (Connection connection = state.pool.pool().getConnection();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT 1")) {
			result.next();
			return result.getInt(1);
		}
	}

	@Benchmark
	@Threads(8)
	public String indexedRead8Threads(WarmPool state) throws SQLException {
		try (Connection connection = state.pool.pool().getConnection();
				PreparedStatement statement = connection.prepareStatement("SELECT name FROM items WHERE id = ?")) {
			statement.setInt(1, ThreadLocalRandom.current().nextInt(1, BenchDatabase.ROWS + 1));
			try (ResultSet result = statement.executeQuery()) {
				result.next();
				return result.getString(1);
			}
		}
	}

	@State(Scope.Benchmark)
	public static class WarmPool {

		@Param({ Pools.PLAIN, Pools.REFRESHING })
		public String credentials;

		Pools.BoundPool pool;

		@Setup
		public void open() throws SQLException {
			this.pool = Pools.create(BenchDatabase.fromSystemProperty(), this.credentials, 8);
			// Open all 8 connections before measuring.
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

	}

}
