package io.github.refreshingdatasource.jdbc;

import java.util.Properties;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TransportSecurity}.
 */
class TransportSecurityTests {

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			jdbc:postgresql://db/app                                   | sslmode is not set, which means sslmode=prefer (TLS optional)
			jdbc:postgresql://db/app?sslmode=disable                   | sslmode=disable
			jdbc:postgresql://db/app?sslmode=allow                     | sslmode=allow
			jdbc:postgresql://db/app?password=p4ss&sslmode=prefer      | sslmode=prefer
			jdbc:mysql://db/app                                        | sslMode is not set, which means sslMode=PREFERRED (TLS optional)
			jdbc:mysql://db/app?sslMode=DISABLED                       | sslMode=DISABLED
			jdbc:mysql://db/app?sslMode=preferred                      | sslMode=preferred
			jdbc:mysql://db/app?useSSL=false                           | useSSL=false
			jdbc:mariadb://db/app                                      | sslMode is not set, which means sslMode=disable
			jdbc:mariadb://db/app?sslMode=disable                      | sslMode=disable
			jdbc:sqlserver://db;databaseName=app;encrypt=false         | encrypt=false
			jdbc:sqlserver://db;encrypt=optional                       | encrypt=optional
			""")
	void insecure(String url, String reason) {
		assertThat(TransportSecurity.insecureReason(url, new Properties())).isEqualTo(reason).doesNotContain("p4ss");
	}

	@ParameterizedTest
	@CsvSource(textBlock = """
			jdbc:postgresql://db/app?sslmode=require
			jdbc:postgresql://db/app?sslmode=verify-full
			jdbc:postgresql://db/app?ssl=true
			jdbc:mysql://db/app?sslMode=REQUIRED
			jdbc:mysql://db/app?sslMode=VERIFY_IDENTITY
			jdbc:mysql://db/app?requireSSL=true
			jdbc:mariadb://db/app?sslMode=verify-full
			jdbc:sqlserver://db;databaseName=app
			jdbc:sqlserver://db;encrypt=strict
			jdbc:h2:mem:test
			""")
	void secureOrNotJudged(String url) {
		assertThat(TransportSecurity.insecureReason(url, new Properties())).isNull();
	}

	@ParameterizedTest
	@CsvSource(textBlock = """
			sslmode, verify-full,
			SSLMODE, disable, sslmode=disable
			""")
	void driverPropertiesCountToo(String key, String value, String reason) {
		Properties properties = new Properties();
		properties.setProperty(key, value);
		assertThat(TransportSecurity.insecureReason("jdbc:postgresql://db/app", properties)).isEqualTo(reason);
	}

}
