package io.github.refreshingdatasource.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Properties;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jspecify.annotations.Nullable;
import org.postgresql.util.PasswordUtil;

import org.springframework.util.FileSystemUtils;

/**
 * An embedded PostgreSQL that accepts only SCRAM-SHA-256 logins, with one login role
 * ({@value #ROLE}) and a table of {@value #ROWS} rows for indexed reads. Zonky starts it
 * trusting localhost; straight after, the superuser gets a random password and
 * {@code pg_hba.conf} is replaced with scram-only lines and reloaded.
 * <p>
 * JMH runs each benchmark in a forked JVM, so the server is started once by the parent and
 * described to the forks by a file readable only by its owner ({@link #describe()},
 * {@link #connect(Path)}): its path is all that appears on a command line.
 */
final class BenchDatabase implements AutoCloseable {

	static final String ROLE = "bench";

	static final int ROWS = 10_000;

	/** System property naming the description file in forked JVMs. */
	static final String DESCRIPTION_PROPERTY = "refreshing.bench.database";

	private static final String SCRAM_ONLY_HBA = """
			local   all   all                  scram-sha-256
			host    all   all   127.0.0.1/32   scram-sha-256
			host    all   all   ::1/128        scram-sha-256
			""";

	private static final SecureRandom random = new SecureRandom();

	private final @Nullable EmbeddedPostgres server;

	private final @Nullable Path dataDirectory;

	private final String jdbcUrl;

	private final String superuserPassword;

	private final String password;

	private BenchDatabase(@Nullable EmbeddedPostgres server, @Nullable Path dataDirectory, String jdbcUrl,
			String superuserPassword, String password) {
		this.server = server;
		this.dataDirectory = dataDirectory;
		this.jdbcUrl = jdbcUrl;
		this.superuserPassword = superuserPassword;
		this.password = password;
	}

	/**
	 * Start a server with the benchmark role and table.
	 * @param maxConnections the server's {@code max_connections}
	 * @return the running server
	 */
	static BenchDatabase start(int maxConnections) {
		Path dataDirectory;
		try {
			dataDirectory = Files.createTempDirectory("bench-postgres-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		String superuserPassword = randomPassword();
		EmbeddedPostgres server;
		try {
			server = EmbeddedPostgres.builder()
				.setDataDirectory(dataDirectory)
				.setCleanDataDirectory(true)
				.setServerConfig("password_encryption", "scram-sha-256")
				.setServerConfig("max_connections", Integer.toString(maxConnections))
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start PostgreSQL", ex);
		}
		BenchDatabase database = new BenchDatabase(server, dataDirectory,
				"jdbc:postgresql://localhost:" + server.getPort() + "/postgres", superuserPassword, randomPassword());
		try {
			database.prepare();
		}
		catch (SQLException | IOException | RuntimeException ex) {
			database.close();
			throw new IllegalStateException("Could not prepare PostgreSQL for the benchmarks", ex);
		}
		return database;
	}

	private void prepare() throws SQLException, IOException {
		// Zonky's server trusts localhost until pg_hba.conf is replaced below.
		try (Connection connection = DriverManager.getConnection(this.jdbcUrl, "postgres", "");
				Statement statement = connection.createStatement()) {
			statement.execute("ALTER ROLE postgres PASSWORD '" + scram(this.superuserPassword) + "'");
			statement.execute("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + scram(this.password) + "'");
			statement.execute("CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL)");
			statement.execute("INSERT INTO items SELECT i, 'item ' || i FROM generate_series(1, " + ROWS + ") i");
			statement.execute("ANALYZE items");
			statement.execute("GRANT SELECT ON items TO " + ROLE);
			try (ResultSet result = statement.executeQuery("SHOW hba_file")) {
				result.next();
				Files.writeString(Path.of(result.getString(1)), SCRAM_ONLY_HBA);
			}
			statement.execute("SELECT pg_reload_conf()");
		}
		awaitScramOnly();
	}

	private void awaitScramOnly() {
		long deadline = System.nanoTime() + 10_000_000_000L;
		while (System.nanoTime() < deadline) {
			try (Connection connection = DriverManager.getConnection(this.jdbcUrl, ROLE, "wrong-" + randomPassword())) {
				Thread.onSpinWait();
			}
			catch (SQLException ex) {
				if ("28P01".equals(ex.getSQLState())) {
					return;
				}
				throw new IllegalStateException("Unexpected failure while checking pg_hba.conf", ex);
			}
		}
		throw new IllegalStateException("PostgreSQL still accepts a wrong password");
	}

	/**
	 * Write where and how to connect to a file only the owner can read.
	 * @return the file
	 */
	Path describe() throws IOException {
		Path file = Files.createTempFile("bench-database-", ".properties",
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
		Properties properties = new Properties();
		properties.setProperty("jdbcUrl", this.jdbcUrl);
		properties.setProperty("password", this.password);
		try (var out = Files.newOutputStream(file)) {
			properties.store(out, "benchmark database; deleted when the run ends");
		}
		file.toFile().deleteOnExit();
		return file;
	}

	/**
	 * Connect to the server that a parent JVM described.
	 * @param description the file written by {@link #describe()}
	 * @return a handle that does not stop the server when closed
	 */
	static BenchDatabase connect(Path description) {
		Properties properties = new Properties();
		try (var in = Files.newInputStream(description)) {
			properties.load(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return new BenchDatabase(null, null, properties.getProperty("jdbcUrl"), "", properties.getProperty("password"));
	}

	/** The server described by {@value #DESCRIPTION_PROPERTY}, in a JMH fork. */
	static BenchDatabase fromSystemProperty() {
		String description = System.getProperty(DESCRIPTION_PROPERTY);
		if (description == null) {
			throw new IllegalStateException("Run the benchmarks with benchmarks/run.sh (BenchmarkMain starts the database)");
		}
		return connect(Path.of(description));
	}

	String jdbcUrl() {
		return this.jdbcUrl;
	}

	String password() {
		return this.password;
	}

	/**
	 * Give a role a new password, accepted until the given instant.
	 * @param role the role, created with {@link #createRole(String)}
	 * @param password the password
	 * @param validUntil when PostgreSQL stops accepting it
	 */
	void setPassword(String role, String password, Instant validUntil) throws SQLException {
		try (Connection connection = superuser(); Statement statement = connection.createStatement()) {
			statement.execute("ALTER ROLE " + role + " PASSWORD '" + scram(password) + "' VALID UNTIL '"
					+ validUntil.truncatedTo(ChronoUnit.MICROS) + "'");
		}
	}

	/**
	 * Create a login role (a plain identifier) with a random password that can use schema
	 * {@code public}.
	 * @param role the role
	 */
	void createRole(String role) throws SQLException {
		try (Connection connection = superuser(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + scram(randomPassword()) + "'");
			statement.execute("GRANT CREATE, USAGE ON SCHEMA public TO " + role);
		}
	}

	/** Run one statement as the superuser. */
	void execute(String sql) throws SQLException {
		try (Connection connection = superuser(); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	/** Sessions ever started on database {@code postgres}: successful logins. */
	long sessions() throws SQLException {
		try (Connection connection = superuser(); Statement statement = connection.createStatement()) {
			statement.execute("SELECT pg_stat_force_next_flush()");
			statement.execute("SELECT pg_stat_clear_snapshot()");
			try (ResultSet result = statement
				.executeQuery("SELECT sessions FROM pg_stat_database WHERE datname = 'postgres'")) {
				result.next();
				return result.getLong(1);
			}
		}
	}

	String version() throws SQLException {
		try (Connection connection = superuser();
				PreparedStatement statement = connection.prepareStatement("SHOW server_version");
				ResultSet result = statement.executeQuery()) {
			result.next();
			return result.getString(1);
		}
	}

	private Connection superuser() throws SQLException {
		return DriverManager.getConnection(this.jdbcUrl, "postgres", this.superuserPassword);
	}

	static String randomPassword() {
		byte[] bytes = new byte[18];
		random.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	private static String scram(String password) {
		return PasswordUtil.encodeScramSha256(password.toCharArray());
	}

	@Override
	public void close() {
		if (this.server != null) {
			try {
				this.server.close();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			finally {
				if (this.dataDirectory != null) {
					FileSystemUtils.deleteRecursively(this.dataDirectory.toFile());
				}
			}
		}
	}

}
