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

	private static boolean isRejection(SQLException ex) {
		String sqlState = ex.getSQLState();
		if (sqlState != null && REJECTED_SQL_STATES.contains(sqlState)) {
			return true;
		}
		int code = ex.getErrorCode();
		return code == MYSQL_ACCESS_DENIED || code == SQL_SERVER_LOGIN_FAILED || code == ORACLE_INVALID_LOGIN;
	}

}
