package io.github.refreshingdatasource.jdbc;

import javax.sql.DataSource;

import io.github.refreshingdatasource.credentials.CredentialCache;

/**
 * Binds a {@link CredentialCache} to a DataSource that is not a pool, such as the
 * {@code SimpleDriverDataSource} Spring Boot builds for Flyway or Liquibase from
 * {@code spring.flyway.url/user}: every connection it opens logs in with the cache's
 * credential, with the same rejection handling as a bound pool.
 */
public final class UnpooledCredentialBinding {

	private UnpooledCredentialBinding() {
	}

	/**
	 * Wrap the DataSource.
	 * @param target a DataSource that accepts {@code getConnection(username, password)}
	 * @param cache the cache serving its credentials
	 * @param hint the likely fix of a rejected login, from the provider's package
	 * @return the DataSource to use in its place
	 */
	public static DataSource bind(DataSource target, CredentialCache cache, RejectionHint hint) {
		return new RejectionAwareDataSource(target, cache, false, hint);
	}

}
