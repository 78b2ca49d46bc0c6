package io.github.refreshingdatasource.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ScramPostgres}. One server serves every test; each test uses its own
 * roles.
 */
class ScramPostgresTests {

	private static ScramPostgres postgres;

	@BeforeAll
	static void startPostgres() {
		postgres = ScramPostgres.start();
	}

	@AfterAll
	static void closePostgres() {
		if (postgres != null) {
			postgres.close();
		}
	}

	@Test
	void wrongPasswordIsRefusedAsInvalidPassword() {
		postgres.createLoginRole("wrong_password", "right-" + ScramPostgres.randomPassword());

		assertThat(loginFailure("wrong_password", ScramPostgres.randomPassword()))
			.isEqualTo(ScramPostgres.INVALID_PASSWORD);
		assertThat(loginFailure(ScramPostgres.SUPERUSER, ScramPostgres.randomPassword()))
			.isEqualTo(ScramPostgres.INVALID_PASSWORD);
	}

	@Test
	void rightPasswordLogsInAndMayCreateTablesInPublic() throws SQLException {
		String password = ScramPostgres.randomPassword();
		postgres.createLoginRole("right_password", password);

		try (Connection connection = postgres.connect("right_password", password);
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE right_password_table (id int)");
			assertThat(queryString(connection, "SELECT current_user")).isEqualTo("right_password");
			// SYSTEM_USER is "<auth method>:<authenticated identity>" for the session.
			assertThat(queryString(connection, "SELECT system_user")).isEqualTo("scram-sha-256:right_password");
		}
	}

	@Test
	void rolesWithQuotesInNameAndPasswordAreQuotedByTheServer() throws SQLException {
		String role = "Odd \"role\"; DROP ROLE x --";
		String password = "it's a \\ \"password\"";
		postgres.createLoginRole(role, password);

		try (Connection connection = postgres.connect(role, password)) {
			assertThat(queryString(connection, "SELECT current_user")).isEqualTo(role);
		}
	}

	@Test
	void hbaFileHasOnlyScramRules() throws Exception {
		try (Connection connection = postgres.superuserConnection()) {
			String hba = Files.readString(Path.of(queryString(connection, "SHOW hba_file")));
			assertThat(hba).doesNotContain("trust").contains("scram-sha-256");
			List<String> rules = new ArrayList<>();
			try (Statement statement = connection.createStatement();
					ResultSet result = statement.executeQuery(
							"SELECT type, address, auth_method, error FROM pg_hba_file_rules ORDER BY rule_number")) {
				while (result.next()) {
					assertThat(result.getString("auth_method")).isEqualTo("scram-sha-256");
					assertThat(result.getString("error")).isNull();
					rules.add(result.getString("type") + " " + result.getString("address"));
				}
			}
			assertThat(rules).containsExactly("local null", "host 127.0.0.1", "host ::1");
			assertThat(queryString(connection, "SHOW password_encryption")).isEqualTo("scram-sha-256");
			assertThat(queryString(connection, "SELECT rolpassword FROM pg_authid WHERE rolname = 'postgres'"))
				.startsWith("SCRAM-SHA-256$");
		}
	}

	@Test
	void serverLogRecordsRefusedLoginsButNoPassword() {
		String password = ScramPostgres.randomPassword();
		String wrongPassword = ScramPostgres.randomPassword();
		postgres.createLoginRole("logged", password);

		assertThat(loginFailure("logged", wrongPassword)).isEqualTo(ScramPostgres.INVALID_PASSWORD);

		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(Files.readString(postgres.serverLog()))
				.contains("password authentication failed for user \"logged\"")
				.doesNotContain(password)
				.doesNotContain(wrongPassword));
	}

	@Test
	void passwordValidUntilThePastIsRefusedAndANewOneIsAccepted() throws SQLException {
		String password = ScramPostgres.randomPassword();
		postgres.createLoginRole("expiring", password);
		postgres.setPassword("expiring", password, Instant.now().minus(Duration.ofMinutes(1)));

		assertThat(loginFailure("expiring", password)).isEqualTo(ScramPostgres.INVALID_PASSWORD);

		String rotated = ScramPostgres.randomPassword();
		postgres.setPassword("expiring", rotated, Instant.now().plus(Duration.ofHours(1)));
		assertThat(loginFailure("expiring", password)).isEqualTo(ScramPostgres.INVALID_PASSWORD);
		postgres.connect("expiring", rotated).close();

		postgres.setPassword("expiring", password);
		postgres.connect("expiring", password).close();
	}

	@Test
	void lockedRoleIsRefusedEvenWithTheRightPasswordUntilUnlocked() throws SQLException {
		String password = ScramPostgres.randomPassword();
		postgres.createLoginRole("lockable", password);

		postgres.lockRole("lockable");
		assertThat(loginFailure("lockable", password)).isEqualTo(ScramPostgres.INVALID_AUTHORIZATION);

		postgres.unlockRole("lockable");
		postgres.connect("lockable", password).close();
	}

	@Test
	void terminateConnectionsEndsEverySessionOfTheRoleOnly() throws SQLException {
		String password = ScramPostgres.randomPassword();
		postgres.createLoginRole("terminated", password);
		postgres.createLoginRole("bystander", password);

		try (Connection first = postgres.connect("terminated", password);
				Connection second = postgres.connect("terminated", password);
				Connection bystander = postgres.connect("bystander", password)) {
			assertThat(postgres.terminateConnections("terminated")).isEqualTo(2);
			assertThat(first.isValid(5)).isFalse();
			assertThat(second.isValid(5)).isFalse();
			assertThat(bystander.isValid(5)).isTrue();
		}
	}

	@Test
	void restartKeepsScramRolesAndPasswords() throws Exception {
		String password = ScramPostgres.randomPassword();
		postgres.createLoginRole("survivor", password);
		int port = postgres.port();

		try (Connection beforeRestart = postgres.connect("survivor", password)) {
			postgres.restart();
			assertThat(beforeRestart.isValid(5)).isFalse();
		}

		assertThat(postgres.port()).isEqualTo(port);
		try (Connection connection = postgres.connect("survivor", password)) {
			assertThat(queryString(connection, "SELECT current_user")).isEqualTo("survivor");
		}
		assertThat(loginFailure("survivor", ScramPostgres.randomPassword())).isEqualTo(ScramPostgres.INVALID_PASSWORD);
		try (Connection connection = postgres.superuserConnection()) {
			assertThat(queryString(connection,
					"SELECT count(*) FROM pg_hba_file_rules WHERE auth_method <> 'scram-sha-256' OR error IS NOT NULL"))
				.isEqualTo("0");
			assertThat(queryString(connection, "SHOW log_connections")).isEqualTo("on");
			assertThat(queryString(connection, "SHOW max_connections")).isEqualTo("200");
		}
	}

	@Test
	void closeStopsTheServerDeletesTheDataDirectoryAndMayBeRepeated() throws SQLException {
		ScramPostgres other = ScramPostgres.start();
		Path dataDirectory;
		try (Connection connection = other.superuserConnection()) {
			dataDirectory = Path.of(queryString(connection, "SHOW data_directory"));
		}
		assertThat(dataDirectory).isDirectory();

		other.close();
		other.close();

		assertThat(dataDirectory).doesNotExist();
		assertThatExceptionOfType(SQLException.class).isThrownBy(other::superuserConnection)
			.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("08001"));
	}

	private static String loginFailure(String role, String password) {
		SQLException refusal = catchThrowableOfType(SQLException.class, () -> postgres.connect(role, password).close());
		assertThat((Throwable) refusal).as("refusal of %s", role).isNotNull();
		return refusal.getSQLState();
	}

	private static String queryString(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
			return result.next() ? result.getString(1) : null;
		}
	}

}
