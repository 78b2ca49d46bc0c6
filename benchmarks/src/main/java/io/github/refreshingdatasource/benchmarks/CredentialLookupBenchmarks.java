package io.github.refreshingdatasource.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariCredentialsProvider;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.Credentials;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialUnavailableException;
import io.github.refreshingdatasource.credentials.DbCredential;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The credential lookup on the way to each new physical connection, without a database:
 * {@link CredentialCache#get()} (one volatile read and one clock read), the provider HikariCP
 * calls, and plain HikariCP reading its static credentials. Run with the GC profiler for the
 * bytes allocated per call.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CredentialLookupBenchmarks {

	@Benchmark
	public DbCredential cacheGet(Lookup state) throws CredentialUnavailableException {
		return state.cache.get();
	}

	@Benchmark
	public Credentials hikariCredentialsProvider(Lookup state) {
		return state.hikariProvider.getCredentials();
	}

	@Benchmark
	public Credentials plainHikariCredentials(Lookup state) {
		return state.plain.getCredentials();
	}

	@State(Scope.Benchmark)
	public static class Lookup {

		CredentialCache cache;

		HikariCredentialsProvider hikariProvider;

		HikariConfig plain;

		private HikariDataSource bound;

		@Setup
		public void setUp() throws CredentialUnavailableException {
			this.cache = Pools.cache("lookup",
					() -> DbCredential.of("bench", "not-a-real-secret", Instant.now().plus(Duration.ofHours(1))));
			this.cache.get();
			// Bound but never started: no connection is opened.
			this.bound = new HikariDataSource();
			this.bound.setJdbcUrl("jdbc:postgresql://127.0.0.1:1/never-connected");
			Pools.bind(this.bound, this.cache, false);
			this.hikariProvider = this.bound.getCredentialsProvider();
			this.plain = new HikariConfig();
			this.plain.setUsername("bench");
			this.plain.setPassword("not-a-real-secret");
		}

		@TearDown
		public void tearDown() {
			this.cache.close();
			this.bound.close();
		}

	}

}
