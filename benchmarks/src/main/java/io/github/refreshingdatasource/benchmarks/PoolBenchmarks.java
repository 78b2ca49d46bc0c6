package io.github.refreshingdatasource.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Warm pools of 8 connections: borrow and return, and short queries. The credential is not
 * consulted here at all (it matters only when a physical connection opens), so these show
 * that binding a pool costs nothing once it is running.
 * <p>
 * Each group runs plain HikariCP and the bound pool at the same time in one JVM, with the
 * stated number of threads each, so both see the same machine: on a shared machine the
 * background load changes more between two forks than any difference between the pools.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PoolBenchmarks {

	@Benchmark
	@Group("borrowReturn1Thread")
	@GroupThreads(1)
	public void borrowReturn1ThreadPlain(WarmPools state, Blackhole blackhole) throws SQLException {
		borrowReturn(state.plain.pool(), blackhole);
	}

	@Benchmark
	@Group("borrowReturn1Thread")
	@GroupThreads(1)
	public void borrowReturn1ThreadRefreshing(WarmPools state, Blackhole blackhole) throws SQLException {
		borrowReturn(state.refreshing.pool(), blackhole);
	}

	@Benchmark
	@Group("borrowReturn8Threads")
	@GroupThreads(8)
	public void borrowReturn8ThreadsPlain(WarmPools state, Blackhole blackhole) throws SQLException {
		borrowReturn(state.plain.pool(), blackhole);
	}

	@Benchmark
	@Group("borrowReturn8Threads")
	@GroupThreads(8)
	public void borrowReturn8ThreadsRefreshing(WarmPools state, Blackhole blackhole) throws SQLException {
		borrowReturn(state.refreshing.pool(), blackhole);
	}

	@Benchmark
	@Group("selectOne8Threads")
	@GroupThreads(8)
	public int selectOne8ThreadsPlain(WarmPools state) throws SQLException {
		return selectOne(state.plain.pool());
	}

	@Benchmark
	@Group("selectOne8Threads")
	@GroupThreads(8)
	public int selectOne8ThreadsRefreshing(WarmPools state) throws SQLException {
		return selectOne(state.refreshing.pool());
	}

	@Benchmark
	@Group("indexedRead8Threads")
	@GroupThreads(8)
	public String indexedRead8ThreadsPlain(WarmPools state) throws SQLException {
		return indexedRead(state.plain.pool());
	}

	@Benchmark
	@Group("indexedRead8Threads")
	@GroupThreads(8)
	public String indexedRead8ThreadsRefreshing(WarmPools state) throws SQLException {
		return indexedRead(state.refreshing.pool());
	}

	private static void borrowReturn(DataSource pool, Blackhole blackhole) throws SQLException {
		try (Connection connection = pool.getConnection()) {
			blackhole.consume(connection);
		}
	}

	private static int selectOne(DataSource pool) throws SQLException {
		try (Connection connection = pool.getConnection();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT 1")) {
			result.next();
			return result.getInt(1);
		}
	}

	private static String indexedRead(DataSource pool) throws SQLException {
		try (Connection connection = pool.getConnection();
				PreparedStatement statement = connection.prepareStatement("SELECT name FROM items WHERE id = ?")) {
			statement.setInt(1, ThreadLocalRandom.current().nextInt(1, BenchDatabase.ROWS + 1));
			try (ResultSet result = statement.executeQuery()) {
				result.next();
				return result.getString(1);
			}
		}
	}

	@State(Scope.Group)
	public static class WarmPools {

		Pools.BoundPool plain;

		Pools.BoundPool refreshing;

		@Setup
		public void open() throws SQLException {
			BenchDatabase database = BenchDatabase.fromSystemProperty();
			this.plain = Pools.create(database, Pools.PLAIN, 8);
			this.refreshing = Pools.create(database, Pools.REFRESHING, 8);
			fill(this.plain);
			fill(this.refreshing);
		}

		/** Open all 8 connections before measuring. */
		private static void fill(Pools.BoundPool pool) throws SQLException {
			Connection[] connections = new Connection[8];
			for (int i = 0; i < connections.length; i++) {
				connections[i] = pool.pool().getConnection();
			}
			for (Connection connection : connections) {
				connection.close();
			}
		}

		@TearDown
		public void close() {
			this.plain.close();
			this.refreshing.close();
		}

	}

}
