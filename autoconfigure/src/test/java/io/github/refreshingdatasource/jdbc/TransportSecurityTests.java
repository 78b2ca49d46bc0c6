package io.github.refreshingdatasource.jdbc;

import java.util.Properties;

import io.github.refreshingdatasource.jdbc.TransportSecurity.Level;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TransportSecurity}: one row per driver rule. The case, precedence and
 * duplicate rules were read off each driver's own parser (pgjdbc 42.7 {@code parseURL},
 * Connector/J 9 {@code ConnectionUrl}, MariaDB 3.5 {@code Configuration.parse},
 * mssql-jdbc 13 {@code getPropertyInfo}); pgjdbc's is proven against the real server in
 * {@code PgjdbcTransportTests}.
 */
class TransportSecurityTests {

	@ParameterizedTest(name = "{0} [{1}] -> {2}")
	@CsvSource(delimiter = '|', nullValues = "-", textBlock = """
			jdbc:postgresql://db/app                                        | -                          | INSECURE   | sslmode is not set
			jdbc:postgresql://db/app?sslmode=disable                        | -                          | INSECURE   | sslmode=disable
			jdbc:postgresql://db/app?password=p4ss&sslmode=prefer           | -                          | INSECURE   | sslmode=prefer
			jdbc:postgresql://db/app?SSLMODE=verify-full                    | -                          | INSECURE   | sslmode is not set
			jdbc:postgresql://db/app?sslmode=verify-full&sslmode=disable    | -                          | INSECURE   | sslmode=disable
			jdbc:postgresql://db/app?sslmode=disable&sslmode=verify-full    | -                          | VERIFIED   | -
			jdbc:postgresql://db/app?sslmode=verify-full                    | sslmode=disable            | VERIFIED   | -
			jdbc:postgresql://db/app                                        | SSLMODE=verify-full        | INSECURE   | sslmode is not set
			jdbc:postgresql://db/app                                        | sslmode=VERIFY-FULL        | VERIFIED   | -
			jdbc:postgresql://db/app?sslmode=require                        | -                          | UNVERIFIED | verifies no certificate
			jdbc:postgresql://db/app?sslmode=verify-ca                      | -                          | UNVERIFIED | not that it names the server
			jdbc:postgresql://db/app?ssl=true                               | -                          | VERIFIED   | -
			jdbc:postgresql://db/app?ssl                                    | -                          | VERIFIED   | -
			jdbc:postgresql://db/app?sslmode=verify-full&sslfactory=org.postgresql.ssl.NonValidatingFactory | - | UNVERIFIED | accepts any certificate
			jdbc:postgresql://db/app?sslmode=nope                           | -                          | INSECURE   | no mode pgjdbc knows
			jdbc:p6spy:postgresql://db/app?sslmode=disable                  | -                          | INSECURE   | sslmode=disable
			jdbc:otel:postgresql://db/app?sslmode=verify-full               | -                          | VERIFIED   | -
			jdbc:aws-wrapper:postgresql://db/app?sslmode=prefer             | -                          | INSECURE   | sslmode=prefer
			jdbc:mysql://db/app                                             | -                          | INSECURE   | sslMode is not set
			jdbc:mysql://db/app?sslMode=DISABLED                            | -                          | INSECURE   | sslMode=DISABLED
			jdbc:mysql://db/app?sslMode=preferred                           | -                          | INSECURE   | sslMode=preferred
			jdbc:mysql://db/app?SSLMODE=VERIFY_IDENTITY                     | -                          | INSECURE   | sslMode is not set
			jdbc:mysql://db/app?sslMode=VERIFY_IDENTITY                     | sslMode=DISABLED           | INSECURE   | sslMode=DISABLED
			jdbc:mysql://db/app?sslMode=DISABLED                            | sslMode=VERIFY_IDENTITY    | VERIFIED   | -
			jdbc:mysql://db/app?sslMode=VERIFY_IDENTITY                     | sslmode=DISABLED           | VERIFIED   | -
			jdbc:mysql://db/app?sslMode=DISABLED&sslMode=VERIFY_IDENTITY    | -                          | VERIFIED   | -
			jdbc:mysql://db/app?useSSL=false                                | -                          | INSECURE   | useSSL=false
			jdbc:mysql://db/app?useSSL=false&sslMode=VERIFY_IDENTITY        | -                          | VERIFIED   | -
			jdbc:mysql://db/app?requireSSL=true                             | -                          | UNVERIFIED | sslMode=REQUIRED
			jdbc:mysql://db/app?requireSSL=true&verifyServerCertificate=true | -                         | UNVERIFIED | sslMode=VERIFY_CA
			jdbc:mysql://db/app?sslMode=REQUIRED                            | -                          | UNVERIFIED | verifies no certificate
			jdbc:mysql://db/app?sslMode=verify_identity                     | -                          | VERIFIED   | -
			jdbc:mysql+srv://db/app?sslMode=REQUIRED                        | -                          | UNVERIFIED | verifies no certificate
			jdbc:mysql+srv://db/app                                         | -                          | INSECURE   | sslMode is not set
			jdbc:mysql:loadbalance://db1,db2/app?sslMode=VERIFY_IDENTITY    | -                          | VERIFIED   | -
			jdbc:mysql://(host=db,sslMode=DISABLED)/app?sslMode=VERIFY_IDENTITY | -                      | UNKNOWN    | per host
			jdbc:mariadb://db/app                                           | -                          | INSECURE   | sslMode is not set
			jdbc:mariadb://db/app?sslMode=disable                           | -                          | INSECURE   | sslMode=disable
			jdbc:mariadb://db/app?SSLMODE=verify-full                       | -                          | VERIFIED   | -
			jdbc:mariadb://db/app?sslMode=verify-full&sslMode=disable       | -                          | INSECURE   | sslMode=disable
			jdbc:mariadb://db/app?sslMode=verify-full                       | sslMode=disable            | VERIFIED   | -
			jdbc:mariadb://db/app?sslMode=trust                             | -                          | UNVERIFIED | verifies no certificate
			jdbc:mariadb://db/app?useSsl=true                               | -                          | VERIFIED   | -
			jdbc:mariadb://db/app?USESSL=true                               | -                          | INSECURE   | sslMode is not set
			jdbc:mariadb://db/app?useSsl=true&trustServerCertificate=true   | -                          | UNVERIFIED | sslMode=trust
			jdbc:sqlserver://db;databaseName=app                            | -                          | VERIFIED   | -
			jdbc:sqlserver://db;databaseName=app;encrypt=false              | -                          | INSECURE   | encrypt=false
			jdbc:sqlserver://db;encrypt=optional                            | -                          | INSECURE   | encrypt=optional
			jdbc:sqlserver://db;ENCRYPT=false                               | -                          | INSECURE   | encrypt=false
			jdbc:sqlserver://db;encrypt=strict;encrypt=false                | -                          | INSECURE   | encrypt=false
			jdbc:sqlserver://db;encrypt=strict                              | encrypt=false              | INSECURE   | encrypt=false
			jdbc:sqlserver://db;encrypt=strict                              | -                          | VERIFIED   | -
			jdbc:sqlserver://db;encrypt=true;trustServerCertificate=true    | -                          | UNVERIFIED | accepts any certificate
			jdbc:sqlserver://db;TRUSTSERVERCERTIFICATE=true                 | -                          | UNVERIFIED | accepts any certificate
			jdbc:sqlserver://db;encrypt=strict;trustServerCertificate=true  | -                          | VERIFIED   | -
			jdbc:h2:mem:test                                                | -                          | UNKNOWN    | not judged
			jdbc:oracle:thin:@//db:1521/svc                                 | -                          | UNKNOWN    | not judged
			""")
	void oneRowPerDriverRule(String url, String properties, Level level, String reason) {
		Properties driverProperties = new Properties();
		if (properties != null) {
			String[] pair = properties.split("=", 2);
			driverProperties.setProperty(pair[0], pair[1]);
		}
		TransportSecurity.Verdict verdict = TransportSecurity.judge(url, driverProperties);
		assertThat(verdict.level()).isEqualTo(level);
		if (reason == null) {
			assertThat(verdict.reason()).isNull();
		}
		else {
			assertThat(verdict.reason()).contains(reason).doesNotContain("p4ss");
		}
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			jdbc:postgresql://db/app?sslmode=require      | sslmode=verify-full
			jdbc:mysql://db/app?sslMode=REQUIRED          | sslMode=VERIFY_IDENTITY
			jdbc:mariadb://db/app?sslMode=trust           | sslMode=verify-full
			jdbc:sqlserver://db;trustServerCertificate=true | encrypt=strict, or encrypt=true with trustServerCertificate=false
			""")
	void recommendationsNameTheVerifyingMode(String url, String recommendation) {
		assertThat(TransportSecurity.judge(url, new Properties()).recommendation()).isEqualTo(recommendation);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			org.postgresql.ds.PGSimpleDataSource | sslMode   | require     | UNVERIFIED
			org.postgresql.ds.PGSimpleDataSource | sslMode   | verify-full | VERIFIED
			org.postgresql.ds.PGSimpleDataSource | serverName | db         | INSECURE
			org.springframework.jdbc.datasource.SimpleDriverDataSource | url | jdbc:postgresql://db/app?sslmode=verify-full | UNKNOWN
			""")
	void poolsWithADataSourceClassNameAreJudgedByItsProperties(String className, String key, String value,
			Level level) {
		com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource();
		pool.setDataSourceClassName(className);
		pool.addDataSourceProperty(key, value);
		assertThat(PoolTransport.judge(pool).level()).isEqualTo(level);
	}

	@org.junit.jupiter.api.Test
	void aPoolWithADataSourceIsJudgedByThatDataSource() {
		org.postgresql.ds.PGSimpleDataSource pg = new org.postgresql.ds.PGSimpleDataSource();
		pg.setServerNames(new String[] { "db" });
		pg.setSslMode("disable");
		com.zaxxer.hikari.HikariDataSource pool = new com.zaxxer.hikari.HikariDataSource();
		pool.setDataSource(pg);
		assertThat(PoolTransport.judge(pool).reason()).isEqualTo("sslmode=disable");
		pool.setDataSource(new org.springframework.jdbc.datasource.SimpleDriverDataSource());
		assertThat(PoolTransport.judge(pool).level()).isEqualTo(Level.UNKNOWN);
		assertThat(PoolTransport.judge(new com.zaxxer.hikari.HikariDataSource()).level()).isEqualTo(Level.UNKNOWN);
	}

}
