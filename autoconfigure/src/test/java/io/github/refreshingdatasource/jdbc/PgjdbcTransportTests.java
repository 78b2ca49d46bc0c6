package io.github.refreshingdatasource.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import io.github.refreshingdatasource.testsupport.ScramPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The real pgjdbc against the embedded PostgreSQL, which has no TLS: a parameter pgjdbc
 * honours makes the connection fail, one it ignores lets it through in plaintext. So the
 * rule's reading of pgjdbc's case and precedence rules is what pgjdbc does.
 */
class PgjdbcTransportTests {

	private static ScramPostgres postgres;

	private static final String PASSWORD = ScramPostgres.randomPassword();

	@BeforeAll
	static void start() {
		postgres = ScramPostgres.start();
		postgres.createLoginRole("tls_probe", PASSWORD);
	}

	@AfterAll
	static void stop() {
		postgres.close();
	}

	private static Properties login() {
		Properties properties = new Properties();
		properties.setProperty("user", "tls_probe");
		properties.setProperty("password", PASSWORD);
		return properties;
	}

	@Test
	void upperCaseSslmodeIsIgnoredByPgjdbcSoTheRuleRefusesIt() throws Exception {
		String url = postgres.jdbcUrl() + separator() + "SSLMODE=require";
		try (Connection connection = DriverManager.getConnection(url, login());
				Statement statement = connection.createStatement();
				ResultSet ssl = statement.executeQuery("select ssl from pg_stat_ssl where pid = pg_backend_pid()")) {
			assertThat(ssl.next()).isTrue();
			assertThat(ssl.getBoolean(1)).as("TLS in use").isFalse();
		}
		assertThat(TransportSecurity.judge(url, new Properties()).level()).isEqualTo(TransportSecurity.Level.INSECURE);
	}

	@Test
	void lowerCaseSslmodeIsHonouredSoTheRuleCountsIt() {
		String url = postgres.jdbcUrl() + separator() + "sslmode=require";
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> DriverManager.getConnection(url, login()))
			.withMessageContaining("SSL");
		assertThat(TransportSecurity.judge(url, new Properties()).level())
			.isEqualTo(TransportSecurity.Level.UNVERIFIED);
	}

	@Test
	void theUrlWinsOverDriverPropertiesAsInPgjdbc() throws Exception {
		String url = postgres.jdbcUrl() + separator() + "sslmode=disable";
		Properties properties = login();
		properties.setProperty("sslmode", "require");
		try (Connection connection = DriverManager.getConnection(url, properties)) {
			assertThat(connection.isValid(5)).isTrue();
		}
		Properties driverProperties = new Properties();
		driverProperties.setProperty("sslmode", "require");
		assertThat(TransportSecurity.judge(url, driverProperties).level()).isEqualTo(TransportSecurity.Level.INSECURE);
	}

	private static String separator() {
		return postgres.jdbcUrl().contains("?") ? "&" : "?";
	}

}
