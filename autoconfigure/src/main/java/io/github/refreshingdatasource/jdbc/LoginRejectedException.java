package io.github.refreshingdatasource.jdbc;

import java.sql.SQLException;

import org.jspecify.annotations.Nullable;

/**
 * The database rejected a login with a credential from a bound DataSource's cache. Thrown in
 * place of the driver's exception (kept as the cause, its SQLState and vendor code copied),
 * because HikariCP only passes the last connection failure on as the cause of "Connection is
 * not available": this message says which DataSource, provider, user and credential
 * (fingerprint) it was, what the code means, and what usually fixes it. Never a secret.
 */
public class LoginRejectedException extends SQLException {

	private final String dataSourceName;

	private final String providerType;

	private final @Nullable String username;

	private final String fingerprint;

	private final String reason;

	private final String hint;

	/**
	 * Create an exception.
	 * @param dataSourceName the DataSource bean name
	 * @param providerType the provider type
	 * @param username the username of the rejected login
	 * @param fingerprint the fingerprint of the rejected credential
	 * @param rejection the exception in the driver's chain that says the login was
	 * rejected, for its SQLState and vendor code
	 * @param cause what the driver threw
	 * @param hint the likely fix
	 */
	public LoginRejectedException(String dataSourceName, String providerType, @Nullable String username,
			String fingerprint, SQLException rejection, SQLException cause, String hint) {
		this(dataSourceName, providerType, username, fingerprint, LoginRejections.describe(rejection),
				rejection.getSQLState(), rejection.getErrorCode(), cause, hint);
	}

	private LoginRejectedException(String dataSourceName, String providerType, @Nullable String username,
			String fingerprint, String reason, @Nullable String sqlState, int vendorCode, SQLException cause,
			String hint) {
		super(LoginRejections.message(dataSourceName, providerType, username, fingerprint, reason, hint), sqlState,
				vendorCode, cause);
		this.dataSourceName = dataSourceName;
		this.providerType = providerType;
		this.username = username;
		this.fingerprint = fingerprint;
		this.reason = reason;
		this.hint = hint;
	}

	public String getDataSourceName() {
		return this.dataSourceName;
	}

	public String getProviderType() {
		return this.providerType;
	}

	public @Nullable String getUsername() {
		return this.username;
	}

	/**
	 * The fingerprint of the rejected credential.
	 * @return eight hex characters
	 */
	public String getFingerprint() {
		return this.fingerprint;
	}

	/**
	 * The SQLState or vendor code and what it means.
	 * @return e.g. {@code SQLState 28P01 (password authentication failed: ...)}
	 */
	public String getReason() {
		return this.reason;
	}

	/**
	 * What usually fixes it, for this provider type.
	 * @return one or two sentences
	 */
	public String getHint() {
		return this.hint;
	}

}
