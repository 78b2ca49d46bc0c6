package io.github.refreshingdatasource.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import io.github.refreshingdatasource.testsupport.PostgresLoginRole;
import io.github.refreshingdatasource.testsupport.ScramPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code refreshing.datasource.fail-fast}: on, startup waits for the first credential and
 * opens one login, and fails through the failure analyzer when either fails; off (the
 * default), the same mistakes surface at the first query. Against the real SCRAM-only
 * PostgreSQL with the file provider.
 */
class FailFastIntegrationTests {

	@RegisterExtension
	static final PostgresLoginRole database = new PostgresLoginRole("fail_fast_user");

	@TempDir
	Path tempDir;

	private ApplicationContextRunner runner(Path file, String... properties) {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataSourceAutoConfiguration.class, RefreshingDataSourceAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + database.jdbcUrl(), "refreshing.datasource.provider.type=file",
					"refreshing.datasource.provider.file.path=" + file, "refreshing.datasource.refresh.jitter=0s",
					"refreshing.datasource.refresh.retry.max-attempts=2",
					"refreshing.datasource.refresh.retry.initial-interval=50ms",
					"spring.datasource.hikari.connection-timeout=2000")
			.withPropertyValues(properties);
	}

	private Path credentialFile(String content) throws Exception {
		Path file = this.tempDir.resolve("db.json");
		Files.writeString(file, content);
		return file;
	}

	private static String json(String user, String secret) {
		return "{\"username\": \"" + user + "\", \"password\": \"" + secret + "\"}";
	}

	@Test
	void aWrongFilePathFailsStartupNamingTheDataSourceProviderAndProperty() {
		runner(this.tempDir.resolve("missing.json"), "refreshing.datasource.fail-fast=true").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = TokenProviderAutoConfigurationTests.analyze(context);
			assertThat(analysis.getDescription()).contains("DataSource 'dataSource'", "fail-fast",
					"no credential could be fetched", "(provider file)", "missing.json");
			assertThat(analysis.getAction()).contains("refreshing.datasource.datasources.dataSource.fail-fast=false",
					"refreshing.datasource.fail-fast=false");
		});
	}

	@Test
	void badJsonFailsStartupWithoutQuotingTheFile() throws Exception {
		String secret = ScramPostgres.randomPassword();
		Path file = credentialFile("{\"username\": \"" + database.role() + "\", \"password\": \"" + secret + "\"");
		runner(file, "refreshing.datasource.fail-fast=true").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = TokenProviderAutoConfigurationTests.analyze(context);
			assertThat(analysis.getDescription()).contains("DataSource 'dataSource'", "no credential could be fetched")
				.doesNotContain(secret);
		});
	}

	@Test
	void aRejectedFirstLoginFailsStartupWithoutTheSecret() throws Exception {
		String wrong = ScramPostgres.randomPassword();
		runner(credentialFile(json(database.role(), wrong)), "refreshing.datasource.datasources.dataSource.fail-fast=true",
				"refreshing.datasource.refresh.lockout.max-consecutive-rejections=10")
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = TokenProviderAutoConfigurationTests.analyze(context);
				assertThat(analysis.getDescription()).contains("DataSource 'dataSource'",
						"the first login with its credential failed", "(provider file)")
					.doesNotContain(wrong);
				assertThat(analysis.getAction()).contains("fail-fast=false");
			});
	}

	@Test
	void aGoodCredentialStartsWithTheLoginAlreadyOpened() throws Exception {
		Path file = credentialFile(json(database.role(), database.password()));
		runner(file, "refreshing.datasource.fail-fast=true").run((context) -> {
			assertThat(context).hasNotFailed();
			try (Connection connection = context.getBean(DataSource.class).getConnection()) {
				assertThat(connection.isValid(1)).isTrue();
			}
		});
	}

	@Test
	void failFastOffStartsAndFailsAtTheFirstQuery() {
		runner(this.tempDir.resolve("missing.json")).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> context.getBean(DataSource.class).getConnection().close());
		});
	}

}
