package io.github.refreshingdatasource.autoconfigure;

import org.jspecify.annotations.Nullable;

/**
 * How the replicas of an application share one credential life: the values of
 * {@code refreshing.datasource.coordination.type}.
 */
public enum CoordinationType {

	/** Each replica fetches and guards alone. */
	NONE(null),

	/**
	 * Shared state in Redis through the application's Spring Data Redis connection
	 * ({@code spring.data.redis.*}), locks through Spring Integration's RedisLockRegistry.
	 */
	REDIS("org.springframework.boot:spring-boot-starter-data-redis and "
			+ "org.springframework.integration:spring-integration-redis"),

	/**
	 * Shared state in a table on a named DataSource, locks through Spring Integration's
	 * JdbcLockRegistry.
	 */
	JDBC("org.springframework.integration:spring-integration-jdbc");

	private final @Nullable String requiredDependency;

	CoordinationType(@Nullable String requiredDependency) {
		this.requiredDependency = requiredDependency;
	}

	/**
	 * What the build must add for this type, for the failure analysis.
	 * @return the Maven coordinates, or {@code null} for none
	 */
	public @Nullable String requiredDependency() {
		return this.requiredDependency;
	}

	/** @return the value as written in configuration */
	public String value() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

}
