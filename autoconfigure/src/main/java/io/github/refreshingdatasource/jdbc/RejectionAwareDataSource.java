package io.github.refreshingdatasource.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import javax.sql.DataSource;

import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialUnavailableException;
import io.github.refreshingdatasource.credentials.DbCredential;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The DataSource a pool (HikariCP, Tomcat JDBC, DBCP2, UCP) opens physical connections
 * through. It sees each login's outcome on the thread that opens the connection, which
 * HikariCP does not report anywhere else: when the database rejects the credential, the
 * cache drops it and the login is retried at once with a fresh one. A rejection that stands is thrown as a {@link LoginRejectedException}, and the first
 * rejection of each credential is logged at WARN, because HikariCP itself logs it only at
 * DEBUG.
 */
final class RejectionAwareDataSource extends DelegatingDataSource {

	private static final Log logger = LogFactory.getLog(RejectionAwareDataSource.class);

	private final CredentialCache cache;

	private final boolean driverBased;

	private final RejectionHint hint;

	/** Username and fingerprint of the credential whose rejection was logged last. */
	private volatile @Nullable String lastReported;

	/**
	 * Set by the credentials provider when it had no credential to give, consumed by the
	 * no-argument {@link #getConnection()} that HikariCP then calls on the same thread, so
	 * the pool records the cache's {@link CredentialUnavailableException}.
	 */
	private final ThreadLocal<@Nullable CredentialUnavailableException> unavailable = new ThreadLocal<>();

	/** Whether a login through here ever succeeded: before that, the pool has nothing to evict. */
	private volatile boolean loggedIn;

	RejectionAwareDataSource(DataSource target, CredentialCache cache, boolean driverBased,
			RejectionHint hint) {
		super(target);
		this.cache = cache;
		this.driverBased = driverBased;
		this.hint = hint;
	}

	void noCredential(CredentialUnavailableException ex) {
		this.unavailable.set(ex);
	}

	void credentialServed() {
		this.unavailable.remove();
	}

	boolean hasLoggedIn() {
		return this.loggedIn;
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
			Connection connection = getTargetDataSource().getConnection(username, password);
			loginSucceeded(username, password);
			return connection;
		}
		catch (SQLException ex) {
			SQLException rejection = LoginRejections.findRejection(ex);
			if (rejection == null) {
				throw ex;
			}
			DbCredential rejected = DbCredential.of(username, password, null);
			LoginRejectedException readable = rejected(rejected, rejection, ex);
			this.cache.invalidate(rejected, readable);
			DbCredential fresh;
			try {
				fresh = this.cache.get();
			}
			catch (CredentialUnavailableException unavailable) {
				readable.addSuppressed(unavailable);
				throw readable;
			}
			if (fresh.sameLogin(rejected)) {
				throw readable;
			}
			return retry(fresh);
		}
	}

	private Connection retry(DbCredential fresh) throws SQLException {
		try {
			Connection connection = getTargetDataSource().getConnection(fresh.username(), fresh.secret());
			loginSucceeded(fresh.username(), fresh.secret());
			return connection;
		}
		catch (SQLException ex) {
			SQLException rejection = LoginRejections.findRejection(ex);
			if (rejection == null) {
				throw ex;
			}
			LoginRejectedException readable = rejected(fresh, rejection, ex);
			this.cache.invalidate(fresh, readable);
			throw readable;
		}
	}

	private void loginSucceeded(@Nullable String username, String password) {
		this.loggedIn = true;
		this.cache.loginSucceeded(username, password);
	}

	private LoginRejectedException rejected(DbCredential credential, SQLException rejection, SQLException thrown) {
		LoginRejectedException readable = new LoginRejectedException(this.cache.getDataSourceName(),
				this.cache.getProviderType(), credential.username(), credential.fingerprint(), rejection, thrown,
				this.hint.likelyFix(credential.username()));
		String key = credential.username() + "/" + credential.fingerprint();
		if (!key.equals(this.lastReported)) {
			this.lastReported = key;
			logger.warn(readable.getMessage());
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(readable.getMessage());
		}
		return readable;
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
