package io.github.refreshingdatasource.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Fleet coordination of one DataSource ({@code refreshing.datasource.coordination.*}, or
 * {@code datasources.<bean-name>.coordination.*} for one bean): many replicas share the
 * current credential, the newest refresh token of a rotating chain and the lockout guard's
 * count and pause, per credential source.
 */
public class CoordinationProperties {

	/**
	 * Where the replicas share credential state: none (each replica alone), redis (the
	 * application's spring.data.redis connection) or jdbc (a table on another DataSource).
	 */
	private CoordinationType type = CoordinationType.NONE;

	/**
	 * Lease of a fleet lock: a replica that dies holding it blocks the others at most this
	 * long. Must be longer than refresh.fetch-timeout, the longest a holder needs it.
	 */
	private Duration lease = Duration.ofSeconds(60);

	/**
	 * How long a replica waits for another one's refresh before it gives up (and the
	 * cache retries). Defaults to refresh.fetch-timeout.
	 */
	private @Nullable Duration lockTimeout;

	/**
	 * Prefix of the Redis keys (one hash per credential source) and the name of the lock
	 * registry.
	 */
	private String keyPrefix = "refreshing-datasource:";

	private final Jdbc jdbc = new Jdbc();

	public CoordinationType getType() {
		return this.type;
	}

	public void setType(CoordinationType type) {
		this.type = type;
	}

	public Duration getLease() {
		return this.lease;
	}

	public void setLease(Duration lease) {
		this.lease = lease;
	}

	public @Nullable Duration getLockTimeout() {
		return this.lockTimeout;
	}

	public void setLockTimeout(@Nullable Duration lockTimeout) {
		this.lockTimeout = lockTimeout;
	}

	public String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(String keyPrefix) {
		this.keyPrefix = keyPrefix;
	}

	public Jdbc getJdbc() {
		return this.jdbc;
	}

	/**
	 * The jdbc backend.
	 */
	public static class Jdbc {

		/**
		 * Bean name of the DataSource holding the state and lock tables. It must not use
		 * the coordinated credential (a rejected credential would lock out its own
		 * coordination).
		 */
		private @Nullable String dataSource;

		/**
		 * Prefix of the table names, followed by LOCK (Spring Integration's lock table) and
		 * FLEET_STATE.
		 */
		private String tablePrefix = "RDS_";

		/**
		 * Whether to create both tables at startup when missing (PostgreSQL DDL; for other
		 * databases create them from docs/coordination.md).
		 */
		private boolean initializeSchema;

		public @Nullable String getDataSource() {
			return this.dataSource;
		}

		public void setDataSource(@Nullable String dataSource) {
			this.dataSource = dataSource;
		}

		public String getTablePrefix() {
			return this.tablePrefix;
		}

		public void setTablePrefix(String tablePrefix) {
			this.tablePrefix = tablePrefix;
		}

		public boolean isInitializeSchema() {
			return this.initializeSchema;
		}

		public void setInitializeSchema(boolean initializeSchema) {
			this.initializeSchema = initializeSchema;
		}

	}

}
