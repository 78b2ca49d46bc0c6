package io.github.refreshingdatasource.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.github.refreshingdatasource.testsupport.ScramPostgres;
import io.github.refreshingdatasource.testsupport.Secrets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.flyway.autoconfigure.FlywayDataSource;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseAutoConfiguration;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseDataSource;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real Flyway and Liquibase migrations against a real PostgreSQL that enforces
 * scram-sha-256, with credentials from files that a rotator rewrites between two startups.
 * Each test gets its own database, owned by the role that migrates it; the server's own
 * catalogs ({@code pg_tables.tableowner}, {@code flyway_schema_history.installed_by}) say who
 * logged in. Every log line is searched for every password used.
 */
@ExtendWith(OutputCaptureExtension.class)
class SchemaMigrationIntegrationTests {

	private static ScramPostgres postgres;

	private static final AtomicInteger counter = new AtomicInteger();

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

	// Flyway

	@Test
	void flywayOnTheApplicationDataSourceMigratesWithTheCredentialRotatedBetweenStartups() throws Exception {
		Role app = newRole("fw_app");
		String database = newDatabase(app);
		Path file = this.tempDir.resolve("app-password");
		app.rotate(file);
		ApplicationContextRunner runner = flyway().withPropertyValues("spring.datasource.url=" + postgres.jdbcUrl(database),
				"spring.datasource.username=" + app.name,
				// What users report: a password left in the configuration, long rotated out.
				"spring.datasource.password=" + this.secrets.newPassword(), "refreshing.datasource.provider.type=file",
				"refreshing.datasource.provider.file.path=" + file, "spring.flyway.placeholders.app_user=" + app.name);
		runner.withPropertyValues("spring.flyway.target=1").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(registry(context).getAll()).extracting(CredentialCache::getDataSourceName)
				.containsExactly("dataSource");
		});
		assertThat(flywayHistory(database, app)).containsExactly("1 by " + app.name);
		app.rotate(file);
		runner.run((context) -> assertThat(context).hasNotFailed());
		assertThat(flywayHistory(database, app)).containsExactly("1 by " + app.name, "2 by " + app.name);
	}

	@Test
	void flywaysOwnDataSourceLogsInAsTheMigrationUserWithItsOwnRotatedCredential() throws Exception {
		Role migrator = newRole("fw_migrator");
		Role app = newRole("fw_user");
		String database = newDatabase(migrator);
		Path migratorFile = this.tempDir.resolve("migrator-password");
		Path appFile = this.tempDir.resolve("app-password");
		migrator.rotate(migratorFile);
		app.rotate(appFile);
		ApplicationContextRunner runner = flyway().withPropertyValues(
				"spring.datasource.url=" + postgres.jdbcUrl(database), "spring.datasource.username=" + app.name,
				"refreshing.datasource.provider.type=file", "refreshing.datasource.provider.file.path=" + appFile,
				"spring.flyway.url=" + postgres.jdbcUrl(database), "spring.flyway.user=" + migrator.name,
				"refreshing.datasource.datasources.flyway.provider.file.path=" + migratorFile,
				"spring.flyway.placeholders.app_user=" + app.name);
		runner.withPropertyValues("spring.flyway.target=1").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(registry(context).get("flyway").snapshot().username()).isEqualTo(migrator.name);
			assertThat(insertAs(context, "widgets", "name")).isEqualTo(app.name);
		});
		migrator.rotate(migratorFile);
		runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(insertAs(context, "gadgets", "widget_id")).isEqualTo(app.name);
		});
		assertThat(flywayHistory(database, migrator)).containsExactly("1 by " + migrator.name,
				"2 by " + migrator.name);
		assertThat(tableOwners(database, migrator, "widgets", "gadgets")).containsOnly(migrator.name);
	}

	@Test
	void withoutTheBindingFlywaysOwnDataSourceHasNoPassword() throws Exception {
		Role migrator = newRole("fw_unbound");
		String database = newDatabase(migrator);
		Path file = this.tempDir.resolve("migrator-password");
		migrator.rotate(file);
		flyway()
			.withPropertyValues("spring.datasource.url=" + postgres.jdbcUrl(database),
					"spring.datasource.username=" + migrator.name, "refreshing.datasource.provider.type=file",
					"refreshing.datasource.provider.file.path=" + file, "spring.flyway.user=" + migrator.name,
					"refreshing.datasource.datasources.flyway.enabled=false",
					"spring.flyway.placeholders.app_user=" + migrator.name)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("no password was provided"));
	}

	@Test
	void flywayDataSourceBeanIsBoundWithItsOwnSettings() throws Exception {
		Role migrator = newRole("fw_bean_migrator");
		Role app = newRole("fw_bean_user");
		String database = newDatabase(migrator);
		Path migratorFile = this.tempDir.resolve("migrator-password");
		Path appFile = this.tempDir.resolve("app-password");
		migrator.rotate(migratorFile);
		app.rotate(appFile);
		flyway().withUserConfiguration(FlywayDataSourceConfiguration.class)
			.withPropertyValues("spring.datasource.url=" + postgres.jdbcUrl(database),
					"spring.datasource.username=" + app.name, "refreshing.datasource.provider.type=file",
					"refreshing.datasource.provider.file.path=" + appFile,
					"test.migration.url=" + postgres.jdbcUrl(database), "test.migration.user=" + migrator.name,
					"refreshing.datasource.datasources.migrationDataSource.provider.file.path=" + migratorFile,
					"spring.flyway.placeholders.app_user=" + app.name)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(registry(context).getAll()).extracting(CredentialCache::getDataSourceName)
					.containsExactlyInAnyOrder("dataSource", "migrationDataSource");
				assertThat(insertAs(context, "widgets", "name")).isEqualTo(app.name);
			});
		assertThat(flywayHistory(database, migrator)).containsExactly("1 by " + migrator.name,
				"2 by " + migrator.name);
	}

	// Liquibase

	@Test
	void liquibaseOnTheApplicationDataSourceMigratesWithTheCredentialRotatedBetweenStartups() throws Exception {
		Role app = newRole("lb_app");
		String database = newDatabase(app);
		Path file = this.tempDir.resolve("app-password");
		app.rotate(file);
		ApplicationContextRunner runner = liquibase().withPropertyValues(
				"spring.datasource.url=" + postgres.jdbcUrl(database), "spring.datasource.username=" + app.name,
				"spring.datasource.password=" + this.secrets.newPassword(), "refreshing.datasource.provider.type=file",
				"refreshing.datasource.provider.file.path=" + file, "spring.liquibase.parameters.app_user=" + app.name);
		runner.withPropertyValues("spring.liquibase.label-filter=one").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(registry(context).getAll()).extracting(CredentialCache::getDataSourceName)
				.containsExactly("dataSource");
		});
		assertThat(liquibaseHistory(database, app)).containsExactly("parts");
		app.rotate(file);
		runner.run((context) -> assertThat(context).hasNotFailed());
		assertThat(liquibaseHistory(database, app)).containsExactly("parts", "assemblies");
	}

	@Test
	void liquibasesOwnDataSourceLogsInAsTheMigrationUserWithItsOwnRotatedCredential() throws Exception {
		Role migrator = newRole("lb_migrator");
		Role app = newRole("lb_user");
		String database = newDatabase(migrator);
		Path migratorFile = this.tempDir.resolve("migrator-password");
		Path appFile = this.tempDir.resolve("app-password");
		migrator.rotate(migratorFile);
		app.rotate(appFile);
		ApplicationContextRunner runner = liquibase().withPropertyValues(
				"spring.datasource.url=" + postgres.jdbcUrl(database), "spring.datasource.username=" + app.name,
				"refreshing.datasource.provider.type=file", "refreshing.datasource.provider.file.path=" + appFile,
				"spring.liquibase.url=" + postgres.jdbcUrl(database), "spring.liquibase.user=" + migrator.name,
				"refreshing.datasource.datasources.liquibase.provider.file.path=" + migratorFile,
				"spring.liquibase.parameters.app_user=" + app.name);
		runner.withPropertyValues("spring.liquibase.label-filter=one").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(registry(context).get("liquibase").snapshot().username()).isEqualTo(migrator.name);
			assertThat(insertAs(context, "parts", "name")).isEqualTo(app.name);
		});
		migrator.rotate(migratorFile);
		runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(insertAs(context, "assemblies", "part_id")).isEqualTo(app.name);
		});
		assertThat(liquibaseHistory(database, migrator)).containsExactly("parts", "assemblies");
		assertThat(tableOwners(database, migrator, "parts", "assemblies")).containsOnly(migrator.name);
	}

	@Test
	void liquibaseDataSourceBeanIsBoundWithItsOwnSettings() throws Exception {
		Role migrator = newRole("lb_bean_migrator");
		Role app = newRole("lb_bean_user");
		String database = newDatabase(migrator);
		Path migratorFile = this.tempDir.resolve("migrator-password");
		Path appFile = this.tempDir.resolve("app-password");
		migrator.rotate(migratorFile);
		app.rotate(appFile);
		liquibase().withUserConfiguration(LiquibaseDataSourceConfiguration.class)
			.withPropertyValues("spring.datasource.url=" + postgres.jdbcUrl(database),
					"spring.datasource.username=" + app.name, "refreshing.datasource.provider.type=file",
					"refreshing.datasource.provider.file.path=" + appFile,
					"test.migration.url=" + postgres.jdbcUrl(database), "test.migration.user=" + migrator.name,
					"refreshing.datasource.datasources.migrationDataSource.provider.file.path=" + migratorFile,
					"spring.liquibase.parameters.app_user=" + app.name)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(registry(context).getAll()).extracting(CredentialCache::getDataSourceName)
					.containsExactlyInAnyOrder("dataSource", "migrationDataSource");
				assertThat(insertAs(context, "parts", "name")).isEqualTo(app.name);
			});
		assertThat(tableOwners(database, migrator, "parts", "assemblies")).containsOnly(migrator.name);
	}

	// Helpers

	private ApplicationContextRunner flyway() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					RefreshingDataSourceAutoConfiguration.class, RefreshingDataSourceFlywayAutoConfiguration.class,
					FlywayAutoConfiguration.class))
			.withPropertyValues("spring.flyway.locations=classpath:db/refreshing-flyway",
					"spring.datasource.hikari.maximum-pool-size=2");
	}

	private ApplicationContextRunner liquibase() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					RefreshingDataSourceAutoConfiguration.class, RefreshingDataSourceLiquibaseAutoConfiguration.class,
					LiquibaseAutoConfiguration.class))
			.withPropertyValues("spring.liquibase.change-log=classpath:db/refreshing-liquibase/changelog.yaml",
					"spring.datasource.hikari.maximum-pool-size=2");
	}

	private Role newRole(String prefix) {
		Role role = new Role(prefix + "_" + counter.incrementAndGet());
		postgres.createLoginRole(role.name, this.secrets.newPassword());
		return role;
	}

	/** A database owned by the role, so it may create tables in schema public. */
	private static String newDatabase(Role owner) {
		String database = "migrations_" + counter.incrementAndGet();
		postgres.execute("CREATE DATABASE " + database + " OWNER " + owner.name);
		return database;
	}


	private static CredentialCacheRegistry registry(AssertableApplicationContext context) {
		return context.getBean(CredentialCacheRegistry.class);
	}

	/** Insert a row through the application's DataSource and say who logged in. */
	private static String insertAs(AssertableApplicationContext context, String table, String column)
			throws SQLException {
		DataSource dataSource = context.getBean("dataSource", DataSource.class);
		assertThat(dataSource.unwrap(HikariDataSource.class)).isNotNull();
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			String value = column.equals("name") ? "'one'" : "NULL";
			statement.execute("INSERT INTO " + table + " (" + column + ") VALUES (" + value + ")");
			try (ResultSet resultSet = statement.executeQuery("SELECT current_user")) {
				resultSet.next();
				return resultSet.getString(1);
			}
		}
	}

	private static List<String> flywayHistory(String database, Role reader) throws SQLException {
		return query(database, reader, "SELECT version || ' by ' || installed_by FROM flyway_schema_history "
				+ "WHERE success ORDER BY installed_rank");
	}

	private static List<String> liquibaseHistory(String database, Role reader) throws SQLException {
		return query(database, reader, "SELECT id FROM databasechangelog ORDER BY orderexecuted");
	}

	private static List<String> tableOwners(String database, Role reader, String... tables) throws SQLException {
		List<String> owners = query(database, reader, "SELECT tableowner FROM pg_tables WHERE tablename IN ('"
				+ String.join("', '", tables) + "')");
		assertThat(owners).hasSize(tables.length);
		return owners;
	}

	private static List<String> query(String database, Role reader, String sql) throws SQLException {
		List<String> rows = new ArrayList<>();
		try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(database), reader.name,
				reader.password); Statement statement = connection.createStatement();
				ResultSet resultSet = statement.executeQuery(sql)) {
			while (resultSet.next()) {
				rows.add(resultSet.getString(1));
			}
		}
		return rows;
	}

	/** A role whose password a rotator changes: in the database first, then in its file. */
	private final class Role {

		final String name;

		String password;

		Role(String name) {
			this.name = name;
		}

		void rotate(Path file) throws Exception {
			this.password = SchemaMigrationIntegrationTests.this.secrets.newPassword();
			postgres.setPassword(this.name, this.password);
			Path temp = Files.writeString(file.resolveSibling(file.getFileName() + ".tmp"), this.password);
			Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FlywayDataSourceConfiguration {

		@Bean(defaultCandidate = false)
		@FlywayDataSource
		HikariDataSource migrationDataSource(Environment environment) {
			return DataSourceBuilder.create()
				.type(HikariDataSource.class)
				.url(environment.getRequiredProperty("test.migration.url"))
				.username(environment.getRequiredProperty("test.migration.user"))
				.build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LiquibaseDataSourceConfiguration {

		@Bean(defaultCandidate = false)
		@LiquibaseDataSource
		HikariDataSource migrationDataSource(Environment environment) {
			return DataSourceBuilder.create()
				.type(HikariDataSource.class)
				.url(environment.getRequiredProperty("test.migration.url"))
				.username(environment.getRequiredProperty("test.migration.user"))
				.build();
		}

	}

}
