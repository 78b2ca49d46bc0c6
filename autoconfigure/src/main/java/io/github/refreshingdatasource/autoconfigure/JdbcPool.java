package io.github.refreshingdatasource.autoconfigure;

import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.jdbc.RejectionHint;
import io.github.refreshingdatasource.jdbc.TransportSecurity;
import org.jspecify.annotations.Nullable;

/**
 * The seam between the binder and one kind of JDBC pool (HikariCP, Tomcat JDBC, DBCP2,
 * UCP): what the pool says about its connection, and how a cache is bound to it through
 * the pool's own API. Found behind a DataSource by {@link JdbcPools#find}.
 */
interface JdbcPool {

	/** The pool itself, so a pool behind two beans (a proxy and its target) is bound once. */
	Object target();

	/** A short name for logs and failures, e.g. {@code Tomcat JDBC}. */
	String kind();

	/**
	 * What the provider may need: the pool's URL and driver properties, and its default
	 * username.
	 * @param usernameOverride the username set in {@code refreshing.datasource.*}, which wins
	 * over the pool's
	 * @param type the provider type (an Azure token for SQL Server needs no username)
	 * @param name the DataSource name, for failures
	 */
	DataSourceDetails details(@Nullable String usernameOverride, ProviderType type, String name);

	/** Whether the pool's connection requires TLS that verifies the server. */
	default TransportSecurity.Verdict transport(DataSourceDetails details) {
		return TransportSecurity.judge(details.jdbcUrl(), details.dataSourceProperties());
	}

	/**
	 * Bind the cache to the pool.
	 * @param cache the cache, not yet started
	 * @param type the provider type
	 * @param evictOnRotation whether pooled connections are retired when a new credential
	 * arrives
	 * @param hint the likely fix of a rejected login
	 * @return undoes what the binding registered outside the pool, if anything; closed with
	 * the cache
	 * @throws IllegalStateException when the pool cannot be bound
	 */
	AutoCloseable bind(CredentialCache cache, ProviderType type, boolean evictOnRotation, RejectionHint hint);

	/** What to do instead when {@link #bind} failed, before "or exclude it". */
	default String advice() {
		return "Let Spring Boot build the pool, or bind it before its first connection";
	}

}
