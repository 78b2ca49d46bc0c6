package io.github.refreshingdatasource.sample.database;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import org.springframework.core.io.Resource;
import org.springframework.jdbc.datasource.init.ScriptUtils;

/**
 * Administrator access to the demo's database: the role that creates the login roles and
 * the schema, and sets and revokes the passwords the demo issuer hands out. Deliberately
 * not a {@code DataSource} bean, which the starter would bind to rotating credentials.
 * <p>
 * Passwords reach the server only as SCRAM verifiers.
 */
public final class DatabaseAdministrator {

	private final String jdbcUrl;

	private final String username;

	private final String password;

	DatabaseAdministrator(String jdbcUrl, String username, String password) {
		this.jdbcUrl = jdbcUrl;
		this.username = username;
		this.password = password;
	}

	/**
	 * Log in as the administrator.
	 * @return a new connection, which the caller closes
	 * @throws SQLException if the login fails
	 */
	public Connection connect() throws SQLException {
		return DriverManager.getConnection(this.jdbcUrl, this.username, this.password);
	}

	/**
	 * Create the group roles, the login roles that are members of them (without a
	 * password, so they cannot log in yet), and the schema, unless they exist.
	 * @param loginRolesByGroup the roles the issuer sets passwords on, by the group role the
	 * schema grants privileges to
	 * @param schema the schema script, which grants to the group roles
	 */
	public void prepare(Map<String, List<String>> loginRolesByGroup, Resource schema) {
		run("prepare roles and schema", (connection) -> {
			for (Map.Entry<String, List<String>> group : loginRolesByGroup.entrySet()) {
				if (!roleExists(connection, group.getKey())) {
					Sql.execute(connection, "CREATE ROLE %I NOLOGIN", group.getKey());
				}
				for (String role : group.getValue()) {
					if (!roleExists(connection, role)) {
						Sql.execute(connection, "CREATE ROLE %I LOGIN IN ROLE %I", role, group.getKey());
					}
				}
			}
			ScriptUtils.executeSqlScript(connection, schema);
		});
	}

	/**
	 * Set a role's password, accepted at login only until the given instant (PostgreSQL's
	 * {@code VALID UNTIL}); sessions already open stay open.
	 * @param role the role
	 * @param password the password
	 * @param validUntil when logins with it start being refused
	 */
	public void setPassword(String role, String password, Instant validUntil) {
		String timestamp = validUntil.truncatedTo(ChronoUnit.MICROS).toString();
		run("set the password of " + role, (connection) -> Sql.execute(connection,
				"ALTER ROLE %I PASSWORD %L VALID UNTIL %L", role, Sql.scramVerifier(password), timestamp));
	}

	/**
	 * Remove a role's password, so that every login as it is refused from now on (SQLState
	 * 28P01); sessions already open stay open.
	 * @param role the role
	 */
	public void revokePassword(String role) {
		run("revoke the password of " + role,
				(connection) -> Sql.execute(connection, "ALTER ROLE %I PASSWORD NULL", role));
	}

	private static boolean roleExists(Connection connection, String role) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
			statement.setString(1, role);
			try (ResultSet result = statement.executeQuery()) {
				return result.next();
			}
		}
	}

	private void run(String action, SqlAction sqlAction) {
		try (Connection connection = connect()) {
			sqlAction.run(connection);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not " + action + " on " + this.jdbcUrl + ": " + ex.getMessage(), ex);
		}
	}

	@Override
	public String toString() {
		return "DatabaseAdministrator[url=" + this.jdbcUrl + ", username=" + this.username + "]";
	}

	@FunctionalInterface
	private interface SqlAction {

		void run(Connection connection) throws SQLException;

	}

}
