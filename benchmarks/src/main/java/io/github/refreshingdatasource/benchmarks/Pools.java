package io.github.refreshingdatasource.benchmarks;

import java.time.Duration;
import java.time.Instant;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.credentials.RefreshSettings;
import io.github.refreshingdatasource.jdbc.HikariCredentialBinding;
import org.jspecify.annotations.Nullable;

/**
 * The two pools every comparison measures, configured alike: plain HikariCP with a static
 * password, and HikariCP bound to a {@link CredentialCache} exactly as the starter binds it.
 */
final class Pools {

	/** Plain HikariCP with a static password. */
	static final String PLAIN = "plain";

	/** HikariCP bound to a credential cache. */
	static final String REFRESHING = "refreshing";

	private Pools() {
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
		CredentialCache cache = new CredentialCache("bench", "bench", provider, null, RefreshSettings.defaults());
		HikariCredentialBinding.bind(pool, cache, false);
		cache.start();
		return new BoundPool(pool, cache);
	}

	private static HikariDataSource configured(BenchDatabase database, int size, String name) {
		HikariDataSource pool = new HikariDataSource();
		pool.setPoolName(name);
		pool.setJdbcUrl(database.jdbcUrl());
		pool.setMaximumPoolSize(size);
		pool.setMinimumIdle(size);
		pool.setConnectionTimeout(30_000);
		return pool;
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
