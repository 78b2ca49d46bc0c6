package io.github.refreshingdatasource.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.testsupport.ScramPostgres;
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

	private static ScramPostgres postgres;

	private static final AtomicInteger roleCounter = new AtomicInteger();

	private final Set<String> passwords = ConcurrentHashMap.newKeySet();

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
		assertThat(this.passwords).isNotEmpty();
		for (String password : this.passwords) {
			assertThat(output.getAll()).as("captured output must not contain a password").doesNotContain(password);
		}
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
		String wrong = password();
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
					assertNoPassword(messages);
				}
			});
		assertThat(countMatches(output.getAll(), "WARN.*rejected the login of datasource 'dataSource'.*" + fingerprint))
			.as("WARN lines about credential " + fingerprint)
			.isEqualTo(1);
	}

	@Test
	void startupThatOpensThePoolWithARejectedCredentialFailsWithAnExplanation(CapturedOutput output) throws Exception {
		String role = newRole();
		String wrong = password();
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
		assertNoPassword(messages(failure));
	}

	private String newRole() {
		String role = "rejected_" + roleCounter.incrementAndGet();
		postgres.createLoginRole(role, password());
		return role;
	}

	private String password() {
		String password = ScramPostgres.randomPassword();
		this.passwords.add(password);
		return password;
	}

	private void assertNoPassword(String text) {
		for (String password : this.passwords) {
			assertThat(text).as("exception messages must not contain a password").doesNotContain(password);
		}
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
