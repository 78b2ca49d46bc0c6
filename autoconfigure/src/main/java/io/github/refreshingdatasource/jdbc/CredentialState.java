package io.github.refreshingdatasource.jdbc;

import java.sql.SQLException;
import java.util.Locale;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.refreshingdatasource.credentials.CredentialSnapshot;
import org.jspecify.annotations.Nullable;

/**
 * Where a DataSource stands with its credential, as operators see it: the cache's
 * {@link CredentialSnapshot} read together with the pool, which may still hold
 * connections opened with a credential that has since expired.
 */
public enum CredentialState {

	/** The credential is usable and no refresh is in flight. */
	VALID,

	/** A fetch is in flight. */
	REFRESHING,

	/** The credential has expired or was rejected, but the pool still has connections. */
	STALE,

	/** No usable credential and no pooled connection. */
	FAILED;

	/**
	 * The lower-case name used in Actuator output.
	 * @return the value
	 */
	public String value() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * Determine the state.
	 * @param snapshot what the cache holds
	 * @param dataSource the DataSource the cache serves, if known
	 * @return the state
	 */
	public static CredentialState of(CredentialSnapshot snapshot, @Nullable DataSource dataSource) {
		if (snapshot.refreshing()) {
			return REFRESHING;
		}
		if (snapshot.valid()) {
			return VALID;
		}
		return (totalConnections(dataSource) > 0) ? STALE : FAILED;
	}

	/**
	 * Count the physical connections of a HikariCP pool, in use or idle.
	 * @param dataSource the DataSource, possibly a wrapper of the pool
	 * @return the count; 0 when the pool has not started or is not HikariCP
	 */
	static int totalConnections(@Nullable DataSource dataSource) {
		if (dataSource == null) {
			return 0;
		}
		try {
			if (!dataSource.isWrapperFor(HikariDataSource.class)) {
				return 0;
			}
			HikariPoolMXBean pool = dataSource.unwrap(HikariDataSource.class).getHikariPoolMXBean();
			return (pool != null) ? pool.getTotalConnections() : 0;
		}
		catch (SQLException ex) {
			return 0;
		}
	}

}
