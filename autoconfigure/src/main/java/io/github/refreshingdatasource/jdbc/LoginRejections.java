package io.github.refreshingdatasource.jdbc;

import java.sql.SQLException;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Tells a login the database refused because of the credential from other connection
 * failures (network, server down), by SQLState and vendor code.
 */
public final class LoginRejections {

	private LoginRejections() {
	}

	/** PostgreSQL invalid_password and invalid_authorization_specification. */
	private static final Set<String> REJECTED_SQL_STATES = Set.of("28P01", "28000");

	/** MySQL/MariaDB access denied. */
	private static final int MYSQL_ACCESS_DENIED = 1045;

	/** SQL Server login failed. */
	private static final int SQL_SERVER_LOGIN_FAILED = 18456;

	/** Oracle ORA-01017 invalid username/password. */
	private static final int ORACLE_INVALID_LOGIN = 1017;

	/**
	 * Return the exception in the chain (causes and next exceptions) that says the database
	 * rejected the login, if any.
	 * @param failure the failure of a connection attempt
	 * @return the rejection, or {@code null} when the failure is of another kind
	 */
	public static @Nullable SQLException findRejection(@Nullable Throwable failure) {
		int depth = 0;
		Throwable candidate = failure;
		while (candidate != null && depth++ < 16) {
			if (candidate instanceof SQLException sqlException) {
				if (isRejection(sqlException)) {
					return sqlException;
				}
				SQLException next = sqlException.getNextException();
				if (next != null && next != candidate && isRejection(next)) {
					return next;
				}
			}
			candidate = (candidate.getCause() != candidate) ? candidate.getCause() : null;
		}
		return null;
	}

	/**
	 * Say in words what a rejection means and what usually causes it, from its SQLState or
	 * vendor code.
	 * @param rejection an exception {@link #findRejection(Throwable)} returned
	 * @return the code and its meaning, e.g. {@code SQLState 28P01 (password authentication
	 * failed: ...)}
	 */
	public static String describe(SQLException rejection) {
		return describe(rejection.getSQLState(), rejection.getErrorCode());
	}

	/**
	 * Say in words what a rejection means, from its SQLState and vendor code; for drivers
	 * that do not throw {@link SQLException} (R2DBC).
	 * @param sqlState the SQLState, if any
	 * @param code the vendor code, 0 if none
	 * @return the code and its meaning
	 */
	public static String describe(@Nullable String sqlState, int code) {
		String meaning;
		if ("28P01".equals(sqlState)) {
			meaning = "password authentication failed: the credential was revoked or the role is not mapped to this identity";
		}
		else if ("28000".equals(sqlState) && code == 0) {
			meaning = "invalid authorization: the role may not log in (NOLOGIN), does not exist, or no pg_hba.conf "
					+ "entry admits this user from this host";
		}
		else if (code == MYSQL_ACCESS_DENIED) {
			meaning = "access denied: the password or token is wrong or expired, or the user may not connect from this host";
		}
		else if (code == SQL_SERVER_LOGIN_FAILED) {
			meaning = "login failed: the password or token is wrong or expired, or the login is not mapped to a database user";
		}
		else if (code == ORACLE_INVALID_LOGIN) {
			meaning = "invalid username/password: the credential is wrong or expired";
		}
		else {
			meaning = "the database refused the login";
		}
		StringBuilder description = new StringBuilder();
		if (sqlState != null) {
			description.append("SQLState ").append(sqlState);
		}
		if (code != 0) {
			description.append((description.length() > 0) ? ", " : "").append("vendor code ").append(code);
		}
		return description.append(" (").append(meaning).append(')').toString();
	}

	/**
	 * The message of a rejected login, the same for JDBC and R2DBC: which DataSource,
	 * provider, user and credential (fingerprint), what the code means, and the likely fix.
	 * @param dataSourceName the DataSource or ConnectionFactory name
	 * @param providerType the provider type
	 * @param username the username of the rejected login
	 * @param fingerprint the fingerprint of the rejected credential
	 * @param reason what {@link #describe(String, int)} says
	 * @param hint the likely fix
	 * @return the message, never a secret
	 */
	public static String message(String dataSourceName, String providerType, @Nullable String username,
			String fingerprint, String reason, String hint) {
		return "The database rejected the login of datasource '" + dataSourceName + "' (provider: " + providerType
				+ ", user: " + username + ", credential: " + fingerprint + "): " + reason + ". Likely fix: " + hint;
	}

	/**
	 * Whether an SQLState or vendor code says the database rejected the credential.
	 * @param sqlState the SQLState, if any
	 * @param code the vendor code, 0 if none
	 * @return whether it is a rejection
	 */
	public static boolean isRejection(@Nullable String sqlState, int code) {
		if (sqlState != null && REJECTED_SQL_STATES.contains(sqlState)) {
			return true;
		}
		return code == MYSQL_ACCESS_DENIED || code == SQL_SERVER_LOGIN_FAILED || code == ORACLE_INVALID_LOGIN;
	}

	private static boolean isRejection(SQLException ex) {
		return isRejection(ex.getSQLState(), ex.getErrorCode());
	}

}
