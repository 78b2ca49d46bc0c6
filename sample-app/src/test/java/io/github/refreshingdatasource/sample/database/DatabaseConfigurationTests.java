package io.github.refreshingdatasource.sample.database;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Which database the sample uses: the embedded one unless {@code spring.datasource.url} is
 * set, and the embedded one really is scram-only and leaves nothing behind.
 */
class DatabaseConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(EmbeddedDatabaseConfiguration.class, ExternalDatabaseConfiguration.class);

	@Test
	void datasourceUrlTurnsTheEmbeddedDatabaseOff() {
		this.runner.withPropertyValues("spring.datasource.url=jdbc:postgresql://db.example:5432/app")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(ScramEmbeddedPostgres.class);
				assertThat(context).doesNotHaveBean(JdbcConnectionDetails.class);
				assertThat(context).doesNotHaveBean(DatabaseAdministrator.class);
			});
	}

	@Test
	void datasourceUrlWithAdministratorGivesTheIssuerItsDatabase() {
		this.runner
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://db.example:5432/app",
					"demo.database.admin-username=admin", "demo.database.admin-password=not-used-here")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(ScramEmbeddedPostgres.class);
				assertThat(context).hasSingleBean(DatabaseAdministrator.class);
				assertThat(context.getBean(DatabaseAdministrator.class).toString())
					.contains("db.example")
					.doesNotContain("not-used-here");
			});
	}

	@Test
	void embeddedDatabaseAcceptsOnlyScramAndRemovesItsDataOnClose() throws SQLException {
		String password = Sql.randomSecret();
		Path dataDirectory;
		try (ScramEmbeddedPostgres postgres = ScramEmbeddedPostgres.start(password)) {
			dataDirectory = postgres.dataDirectory();
			assertThat(dataDirectory).isDirectory();
			try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), ScramEmbeddedPostgres.SUPERUSER,
					password)) {
				assertThat(connection.getMetaData().getDatabaseProductName()).isEqualTo("PostgreSQL");
			}
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> DriverManager
					.getConnection(postgres.jdbcUrl(), ScramEmbeddedPostgres.SUPERUSER, Sql.randomSecret())
					.close())
				.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("28P01"));
		}
		assertThat(Files.exists(dataDirectory)).isFalse();
	}

}
