package io.github.refreshingdatasource.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.testsupport.ScramPostgres;
import io.github.refreshingdatasource.testsupport.Secrets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceInitializationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * What a person sees when the database rejects a bound DataSource's credential, against a
 * real PostgreSQL that enforces scram-sha-256: one WARN per credential, the exception a
 * borrower gets, and the failure analysis of a startup that opens the pool. Every message
 * is searched for every password the test used.
 */
@ExtendWith(OutputCaptureExtension.class)
class RejectedLoginIntegrationTests {

	private static final String MEANING = "password authentication failed: the credential was revoked or the role is "
			+ "not mapped to this identity";

	private static final String PAUSE_WARNING = "WARN.*no login is attempted until";

	private static ScramPostgres postgres;

	private static final AtomicInteger roleCounter = new AtomicInteger();

	private final Secrets secrets = new Secrets();

	@TempDir
	Path tempDir;

	@BeforeAll
	static void startPostgres() {
		postgres = ScramPostgres.start();
	}

	@AfterAll
	static void stopPostgres() {
		postgres.close();
	}

	@AfterEach
	void noPasswordInOutput(CapturedOutput output) {
		this.secrets.assertNoneIn(output.getAll());
	}

	private ApplicationContextRunner runner(String... properties) {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataSourceAutoConfiguration.class, RefreshingDataSourceAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + postgres.jdbcUrl(),
					"spring.datasource.hikari.maximum-pool-size=2", "refreshing.datasource.refresh.jitter=0s")
			.withPropertyValues(properties);
	}

	@Test
	void rejectedCredentialIsNamedInOneWarnAndInTheBorrowersException(CapturedOutput output) throws Exception {
		String role = newRole();
		String wrong = this.secrets.newPassword();
		Path file = Files.writeString(this.tempDir.resolve("db-password"), wrong);
		String fingerprint = DbCredential.of(role, wrong, null).fingerprint();
		runner("refreshing.datasource.provider.type=file", "refreshing.datasource.provider.file.path=" + file,
				"spring.datasource.username=" + role, "spring.datasource.hikari.initialization-fail-timeout=-1",
				"spring.datasource.hikari.connection-timeout=1500")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				DataSource dataSource = context.getBean(DataSource.class);
				for (int i = 0; i < 2; i++) {
					SQLTransientConnectionException timeout = assertThatExceptionOfType(
							SQLTransientConnectionException.class)
						.isThrownBy(() -> dataSource.getConnection().close())
						.actual();
					// HikariCP's own message says only "Connection is not available"; the
					// cause it attaches is ours.
					assertThat(timeout.getMessage()).contains("Connection is not available");
					String messages = messages(timeout);
					assertThat(messages).contains("datasource 'dataSource'", "provider: file", "user: " + role,
							"credential: " + fingerprint, "SQLState 28P01", MEANING,
							"credential file " + file.toAbsolutePath());
					this.secrets.assertNoneIn(messages);
				}
			});
		assertThat(countMatches(output.getAll(), "WARN.*rejected the login of datasource 'dataSource'.*" + fingerprint))
			.as("WARN lines about credential " + fingerprint)
			.isEqualTo(1);
	}

	@Test
	void startupThatOpensThePoolWithARejectedCredentialFailsWithAnExplanation(CapturedOutput output) throws Exception {
		String role = newRole();
		String wrong = this.secrets.newPassword();
		Path file = Files.writeString(this.tempDir.resolve("db-password"), wrong);
		Path schema = Files.writeString(this.tempDir.resolve("schema.sql"), "CREATE TABLE startup_probe (id int);");
		SpringApplication application = new SpringApplication(OpensThePoolAtStartup.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		Throwable failure = assertThatExceptionOfType(Throwable.class)
			.isThrownBy(() -> application.run("--spring.datasource.url=" + postgres.jdbcUrl(),
					"--spring.datasource.username=" + role, "--refreshing.datasource.provider.type=file",
					"--refreshing.datasource.provider.file.path=" + file, "--spring.sql.init.mode=always",
					"--spring.sql.init.schema-locations=file:" + schema))
			.actual();
		assertThat(failure).hasRootCauseInstanceOf(org.postgresql.util.PSQLException.class);
		String fingerprint = DbCredential.of(role, wrong, null).fingerprint();
		assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
			.contains("DataSource 'dataSource' could not log in: the database rejected user " + role
					+ " with credential " + fingerprint + " from provider file.")
			.contains("Reason: SQLState 28P01 (" + MEANING + ").")
			.contains("Check that the credential file " + file.toAbsolutePath() + " holds the current password of '"
					+ role + "'");
		this.secrets.assertNoneIn(messages(failure));
	}

	/**
	 * A role whose password never matches what the source returns. The guard lets
	 * {@code max-consecutive-rejections} logins through, then one per pause; the pauses
	 * (2 s, then 4 s capped) bound the count over any window, here the time until the third
	 * pause begins. The server's own log is the witness of every attempt.
	 */
	@Test
	void lockoutGuardBoundsLoginAttemptsByItsScheduleAndRecoversWhenTheSourceIsFixed(CapturedOutput output)
			throws Exception {
		int maxConsecutiveRejections = 3;
		Duration pause = Duration.ofSeconds(2);
		Duration maxPause = Duration.ofSeconds(4);
		String role = newRole();
		String wrong = this.secrets.newPassword();
		Path file = writeAtomically(this.tempDir.resolve("db-password"), wrong);
		runner("refreshing.datasource.provider.type=file", "refreshing.datasource.provider.file.path=" + file,
				"spring.datasource.username=" + role, "spring.datasource.hikari.initialization-fail-timeout=-1",
				"spring.datasource.hikari.connection-timeout=1000",
				"refreshing.datasource.refresh.lockout.max-consecutive-rejections=" + maxConsecutiveRejections,
				"refreshing.datasource.refresh.lockout.pause=" + pause.toMillis() + "ms",
				"refreshing.datasource.refresh.lockout.max-pause=" + maxPause.toMillis() + "ms")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				DataSource dataSource = context.getBean(DataSource.class);
				long started = System.nanoTime();
				// Starts the pool; from then on HikariCP keeps trying to fill it to minimum-idle,
				// backing off to one attempt every 5 s.
				assertThatExceptionOfType(SQLException.class).isThrownBy(() -> dataSource.getConnection().close());
				await().atMost(Duration.ofSeconds(40)).until(() -> countMatches(output.getAll(), PAUSE_WARNING) >= 3);
				Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
				int attempts = failedLogins(role);
				int pauses = countMatches(output.getAll(), PAUSE_WARNING);
				// N logins, then exactly one try after each pause: attempts = N + (pauses - 1).
				assertThat(attempts).as("failed logins the server saw").isEqualTo(maxConsecutiveRejections + pauses - 1);
				// The schedule's bound over the window: N + the number of pauses that can have
				// ended within it (2 s, 4 s, 4 s, ... summed while <= elapsed).
				assertThat(attempts).as("failed logins within " + elapsed)
					.isLessThanOrEqualTo(maxConsecutiveRejections + pausesEndedWithin(elapsed, pause, maxPause));

				String fixed = this.secrets.newPassword();
				postgres.setPassword(role, fixed);
				writeAtomically(file, fixed);
				await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> currentUser(dataSource), role::equals);
				assertThat(output.getAll()).contains("logins resume");
			});
	}

	private static int pausesEndedWithin(Duration window, Duration pause, Duration maxPause) {
		long remaining = window.toMillis();
		long next = pause.toMillis();
		int ended = 0;
		while (next <= remaining) {
			remaining -= next;
			ended++;
			next = Math.min(next * 2, maxPause.toMillis());
		}
		return ended;
	}

	/**
	 * Count the server's "password authentication failed" lines for a role. The server
	 * writes its log asynchronously but in order: once a marker login's failure is there,
	 * so is every earlier one.
	 */
	private static int failedLogins(String role) throws Exception {
		String marker = "marker_" + roleCounter.incrementAndGet();
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> postgres.connect(marker, ScramPostgres.randomPassword()).close());
		String markerLine = "password authentication failed for user \"" + marker + "\"";
		await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(postgres.serverLog()).contains(markerLine));
		return countMatches(Files.readString(postgres.serverLog()),
				Pattern.quote("password authentication failed for user \"" + role + "\""));
	}

	private static String currentUser(DataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet resultSet = statement.executeQuery("SELECT current_user")) {
			resultSet.next();
			return resultSet.getString(1);
		}
	}

	private static Path writeAtomically(Path file, String content) throws Exception {
		Path temp = Files.writeString(file.resolveSibling(file.getFileName() + ".tmp"), content);
		return Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
	}

	private String newRole() {
		String role = "rejected_" + roleCounter.incrementAndGet();
		postgres.createLoginRole(role, this.secrets.newPassword());
		return role;
	}

	private static String messages(Throwable failure) {
		StringBuilder messages = new StringBuilder();
		for (Throwable candidate = failure; candidate != null; candidate = candidate.getCause()) {
			messages.append(candidate).append('\n');
			for (Throwable suppressed : candidate.getSuppressed()) {
				messages.append("suppressed: ").append(suppressed).append('\n');
			}
			if (candidate instanceof SQLException sqlException && sqlException.getNextException() != null) {
				messages.append("next: ").append(sqlException.getNextException()).append('\n');
			}
		}
		return messages.toString();
	}

	private static int countMatches(String text, String regex) {
		Matcher matcher = Pattern.compile(regex).matcher(text);
		int count = 0;
		while (matcher.find()) {
			count++;
		}
		return count;
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataSourceAutoConfiguration.class, RefreshingDataSourceAutoConfiguration.class,
			DataSourceInitializationAutoConfiguration.class })
	static class OpensThePoolAtStartup {

	}

}
