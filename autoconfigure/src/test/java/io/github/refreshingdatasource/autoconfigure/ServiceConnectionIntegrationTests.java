package io.github.refreshingdatasource.autoconfigure;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.github.refreshingdatasource.testsupport.ScramPostgres;
import io.github.refreshingdatasource.testsupport.Secrets;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link JdbcConnectionDetails} bean, as a Docker Compose or Testcontainers service
 * connection registers one, supplies the username and password of the {@code dataSource}
 * bean: the starter leaves that DataSource alone unless a per-bean setting names it. Logins
 * go to a real PostgreSQL that enforces scram-sha-256, so {@code current_user} shows whose
 * credential was used.
 */
@ExtendWith(OutputCaptureExtension.class)
class ServiceConnectionIntegrationTests {

	private static ScramPostgres postgres;

	private static final String SERVICE_USER = "service_user";

	private static final String ROTATED_USER = "rotated_user";

	private static final String SERVICE_PASSWORD = ScramPostgres.randomPassword();

	private static final String ROTATED_PASSWORD = ScramPostgres.randomPassword();

	private final Secrets secrets = new Secrets();

	@BeforeAll
	static void startPostgres() {
		postgres = ScramPostgres.start();
		postgres.createLoginRole(SERVICE_USER, SERVICE_PASSWORD);
		postgres.createLoginRole(ROTATED_USER, ROTATED_PASSWORD);
	}

	@AfterAll
	static void stopPostgres() {
		postgres.close();
	}

	@AfterEach
	void noPasswordInOutput(CapturedOutput output) {
		this.secrets.add(SERVICE_PASSWORD);
		this.secrets.add(ROTATED_PASSWORD);
		this.secrets.assertNoneIn(output.getAll());
	}

	private ApplicationContextRunner runner(String... properties) {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataSourceAutoConfiguration.class, RefreshingDataSourceAutoConfiguration.class))
			.withPropertyValues("refreshing.datasource.provider.type=static",
					"refreshing.datasource.provider.static.username=" + ROTATED_USER,
					"refreshing.datasource.provider.static.password=" + ROTATED_PASSWORD)
			.withPropertyValues(properties);
	}

	@Test
	void dataSourceOfAServiceConnectionIsLeftAloneAndSaysSo(CapturedOutput output) {
		runner().withBean(JdbcConnectionDetails.class, ServiceConnectionDetails::new).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(CredentialCacheRegistry.class).get("dataSource")).isNull();
			assertThat(currentUser(context.getBean(DataSource.class))).isEqualTo(SERVICE_USER);
		});
		assertThat(output.getAll()).containsPattern("INFO.*DataSource 'dataSource' logs in with the username and "
				+ "password of a service connection \\(" + ServiceConnectionDetails.class.getName().replace("$", "\\$")
				+ "\\); rotating credentials leave it alone");
	}

	@Test
	void dataSourceOfAServiceConnectionIsBoundWhenConfiguredByName() {
		runner("refreshing.datasource.datasources.dataSource.enabled=true")
			.withBean(JdbcConnectionDetails.class, ServiceConnectionDetails::new)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(CredentialCacheRegistry.class).get("dataSource")).isNotNull();
				assertThat(currentUser(context.getBean(DataSource.class))).isEqualTo(ROTATED_USER);
			});
	}

	@Test
	void springDatasourcePropertiesDoNotCountAsAServiceConnection() {
		// Boot turns spring.datasource.* into JdbcConnectionDetails too; the password there is
		// what rotating credentials replace.
		runner("spring.datasource.url=" + postgres.jdbcUrl(), "spring.datasource.username=" + SERVICE_USER,
				"spring.datasource.password=" + SERVICE_PASSWORD)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBeanNamesForType(JdbcConnectionDetails.class)).hasSize(1);
				assertThat(context.getBean(CredentialCacheRegistry.class).get("dataSource")).isNotNull();
				assertThat(currentUser(context.getBean(DataSource.class))).isEqualTo(ROTATED_USER);
			});
	}

	private static String currentUser(DataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet resultSet = statement.executeQuery("SELECT current_user")) {
			resultSet.next();
			return resultSet.getString(1);
		}
	}

	/** What a Testcontainers or Docker Compose service connection registers. */
	static final class ServiceConnectionDetails implements JdbcConnectionDetails {

		@Override
		public String getUsername() {
			return SERVICE_USER;
		}

		@Override
		public @Nullable String getPassword() {
			return SERVICE_PASSWORD;
		}

		@Override
		public String getJdbcUrl() {
			return postgres.jdbcUrl();
		}

	}

}
