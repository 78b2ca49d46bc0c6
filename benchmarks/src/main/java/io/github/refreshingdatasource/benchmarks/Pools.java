package io.github.refreshingdatasource.benchmarks;

import java.time.Duration;
import java.time.Instant;

import java.sql.SQLException;
import java.util.Properties;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariCredentialsProvider;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.Credentials;
import com.zaxxer.hikari.util.DriverDataSource;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.credentials.RefreshSettings;
import io.github.refreshingdatasource.jdbc.HikariCredentialBinding;
import org.jspecify.annotations.Nullable;

/**
 * The pools every comparison measures, configured alike: plain HikariCP with a static
 * password, and HikariCP bound to a {@link CredentialCache} exactly as the starter binds it.
 * The only class of the benchmarks that builds a cache or a binding, so a change of the
 * engine's API is one edit here.
 */
final class Pools {

	/** Plain HikariCP with a static password. */
	static final String PLAIN = "plain";

	/** HikariCP bound to a credential cache. */
	static final String REFRESHING = "refreshing";

	/** The bound pool's login path with {@link #SLOW_PROVIDER} behind the cache. */
	static final String CACHED = "cached";

	/** {@link #SLOW_PROVIDER} called on every login. */
	static final String PER_CONNECTION_FETCH = "perConnectionFetch";

	/** Latency of the slow provider, like a call to a cloud token service. */
	static final Duration SLOW_PROVIDER = Duration.ofMillis(50);

	private Pools() {
	}

	/** A credential cache over the provider, started, with the default settings. */
	static CredentialCache cache(String name, CredentialProvider provider) {
		CredentialCache cache = new CredentialCache(name, "bench", provider, null, RefreshSettings.defaults());
		cache.start();
		return cache;
	}

	/** Bind a cache to a pool that has not started. */
	static void bind(HikariDataSource pool, CredentialCache cache, boolean evictOnRotation) {
		HikariCredentialBinding.bind(pool, cache, evictOnRotation);
	}

	/** A new cache over the provider bound to a pool that has not started, then started, as the starter does. */
	static CredentialCache bindNew(HikariDataSource pool, String name, CredentialProvider provider,
			boolean evictOnRotation) {
		CredentialCache cache = new CredentialCache(name, "bench", provider, null, RefreshSettings.defaults());
		HikariCredentialBinding.bind(pool, cache, evictOnRotation);
		cache.start();
		return cache;
	}

	/** A provider that takes {@link #SLOW_PROVIDER} per call. */
	static CredentialProvider slowProvider(BenchDatabase database) {
		return () -> {
			Thread.sleep(SLOW_PROVIDER.toMillis());
			return DbCredential.of(BenchDatabase.ROLE, database.password(), Instant.now().plus(Duration.ofHours(1)));
		};
	}

	/**
	 * What HikariCP does to open one physical connection, for one side: ask the credentials
	 * provider, log in through the DataSource it logs in through.
	 */
	static LoginPath loginPath(BenchDatabase database, String side) {
		return switch (side) {
			case PLAIN -> {
				BoundPool plain = plain(database, 1);
				yield new LoginPath(plain.pool()::getCredentials,
						new DriverDataSource(database.jdbcUrl(), null, new Properties(), null, null), plain);
			}
			case CACHED -> {
				BoundPool cached = refreshing(database, 1, slowProvider(database));
				yield new LoginPath(cached.pool().getCredentialsProvider(), cached.pool().getDataSource(), cached);
			}
			case PER_CONNECTION_FETCH -> {
				CredentialProvider slow = slowProvider(database);
				BoundPool plain = plain(database, 1);
				yield new LoginPath(() -> {
					try {
						DbCredential credential = slow.fetch();
						return new Credentials(credential.username(), credential.secret());
					}
					catch (Exception ex) {
						throw new IllegalStateException(ex.getMessage(), ex);
					}
				}, new DriverDataSource(database.jdbcUrl(), null, new Properties(), null, null), plain);
			}
			default -> throw new IllegalArgumentException("unknown login side: " + side);
		};
	}

	/**
	 * A pool with the given credentials; for {@link #REFRESHING}, a provider that returns the
	 * role's password with an expiry an hour ahead.
	 */
	static BoundPool create(BenchDatabase database, String credentials, int size) {
		CredentialProvider provider = () -> DbCredential.of(BenchDatabase.ROLE, database.password(),
				Instant.now().plus(Duration.ofHours(1)));
		return switch (credentials) {
			case PLAIN -> plain(database, size);
			case REFRESHING -> refreshing(database, size, provider);
			default -> throw new IllegalArgumentException("credentials must be plain or refreshing: " + credentials);
		};
	}

	static BoundPool plain(BenchDatabase database, int size) {
		HikariDataSource pool = configured(database, size, "plain");
		pool.setUsername(BenchDatabase.ROLE);
		pool.setPassword(database.password());
		return new BoundPool(pool, null);
	}

	static BoundPool refreshing(BenchDatabase database, int size, CredentialProvider provider) {
		HikariDataSource pool = configured(database, size, "refreshing");
		return new BoundPool(pool, bindNew(pool, "bench", provider, false));
	}

	static HikariDataSource configured(BenchDatabase database, int size, String name) {
		HikariDataSource pool = new HikariDataSource();
		pool.setPoolName(name);
		pool.setJdbcUrl(database.jdbcUrl());
		pool.setMaximumPoolSize(size);
		pool.setMinimumIdle(size);
		pool.setConnectionTimeout(30_000);
		return pool;
	}

	/** One side's login path; closing closes the pool it was taken from. */
	record LoginPath(HikariCredentialsProvider credentials, DataSource dataSource, BoundPool owner)
			implements AutoCloseable {

		void loginOnce() throws SQLException {
			Credentials credential = this.credentials.getCredentials();
			this.dataSource.getConnection(credential.getUsername(), credential.getPassword()).close();
		}

		@Override
		public void close() {
			this.owner.close();
		}

	}

	/** A pool and, when bound, its credential cache; closing closes both. */
	record BoundPool(HikariDataSource pool, @Nullable CredentialCache cache) implements AutoCloseable {

		@Override
		public void close() {
			this.pool.close();
			if (this.cache != null) {
				this.cache.close();
			}
		}

	}

}
