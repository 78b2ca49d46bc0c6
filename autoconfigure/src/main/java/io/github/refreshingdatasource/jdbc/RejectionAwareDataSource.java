package io.github.refreshingdatasource.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import javax.sql.DataSource;

import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialUnavailableException;
import io.github.refreshingdatasource.credentials.DbCredential;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The DataSource HikariCP opens physical connections through. It sees each login's outcome
 * on the pool's own thread, which HikariCP does not report anywhere else: when the database
 * rejects the credential, the cache drops it and the login is retried at once with a fresh
 * one.
 */
final class RejectionAwareDataSource extends DelegatingDataSource {

	private final CredentialCache cache;

	private final boolean driverBased;

	/**
	 * Set by the credentials provider when it had no credential to give, consumed by the
	 * no-argument {@link #getConnection()} that HikariCP then calls on the same thread, so
	 * the pool records the cache's {@link CredentialUnavailableException}.
	 */
	private final ThreadLocal<@Nullable CredentialUnavailableException> unavailable = new ThreadLocal<>();

	RejectionAwareDataSource(DataSource target, CredentialCache cache, boolean driverBased) {
		super(target);
		this.cache = cache;
		this.driverBased = driverBased;
	}

	void noCredential(CredentialUnavailableException ex) {
		this.unavailable.set(ex);
	}

	void credentialServed() {
		this.unavailable.remove();
	}

	@Override
	public Connection getConnection() throws SQLException {
		CredentialUnavailableException pending = this.unavailable.get();
		if (pending != null) {
			this.unavailable.remove();
			throw pending;
		}
		DbCredential credential = this.cache.get();
		return getConnection(credential.username(), credential.secret());
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		try {
			return getTargetDataSource().getConnection(username, password);
		}
		catch (SQLException ex) {
			if (LoginRejections.findRejection(ex) == null) {
				throw ex;
			}
			DbCredential rejected = DbCredential.of(username, password, null);
			this.cache.invalidate(rejected);
			DbCredential fresh;
			try {
				fresh = this.cache.get();
			}
			catch (CredentialUnavailableException unavailable) {
				ex.addSuppressed(unavailable);
				throw ex;
			}
			if (fresh.sameLogin(rejected)) {
				throw ex;
			}
			return retry(fresh);
		}
	}

	private Connection retry(DbCredential fresh) throws SQLException {
		try {
			return getTargetDataSource().getConnection(fresh.username(), fresh.secret());
		}
		catch (SQLException ex) {
			if (LoginRejections.findRejection(ex) != null) {
				this.cache.invalidate(fresh);
			}
			throw ex;
		}
	}

	@Override
	public void setLoginTimeout(int seconds) throws SQLException {
		// HikariCP's own driver DataSource sets the JDBC-wide login timeout the same way.
		if (this.driverBased) {
			DriverManager.setLoginTimeout(seconds);
		}
		else {
			super.setLoginTimeout(seconds);
		}
	}

	@Override
	public int getLoginTimeout() throws SQLException {
		return this.driverBased ? DriverManager.getLoginTimeout() : super.getLoginTimeout();
	}

	@Override
	public String toString() {
		return "RejectionAwareDataSource[" + this.cache.getDataSourceName() + "]";
	}

}
