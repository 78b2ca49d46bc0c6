package io.github.refreshingdatasource.jdbc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link JdbcUrl}.
 */
class JdbcUrlTests {

	@Test
	void postgresql() {
		JdbcUrl url = JdbcUrl.parse("jdbc:postgresql://db.example:5433,replica:5432/app?sslmode=verify-full&ApplicationName=x");
		assertThat(url.vendor()).isEqualTo(JdbcUrl.Vendor.POSTGRESQL);
		assertThat(url.host()).isEqualTo("db.example");
		assertThat(url.port()).isEqualTo(5433);
		assertThat(url.parameter("SSLMODE")).isEqualTo("verify-full");
		assertThat(JdbcUrl.parse("jdbc:postgresql://db.example/app").port()).isEqualTo(5432);
		assertThat(JdbcUrl.parse("jdbc:postgresql://[::1]:6543/app").host()).isEqualTo("::1");
		assertThat(JdbcUrl.parse("jdbc:postgresql://[::1]:6543/app").port()).isEqualTo(6543);
		assertThat(JdbcUrl.parse("jdbc:aws-wrapper:postgresql://db.example/app").vendor())
			.isEqualTo(JdbcUrl.Vendor.POSTGRESQL);
	}

	@Test
	void mysqlAndMariadb() {
		JdbcUrl url = JdbcUrl.parse("jdbc:mysql://app.mysql.database.azure.com/app?sslMode=VERIFY_IDENTITY");
		assertThat(url.vendor()).isEqualTo(JdbcUrl.Vendor.MYSQL);
		assertThat(url.port()).isEqualTo(3306);
		assertThat(url.parameter("sslmode")).isEqualTo("VERIFY_IDENTITY");
		assertThat(JdbcUrl.parse("jdbc:mariadb://db:3307/app").vendor()).isEqualTo(JdbcUrl.Vendor.MARIADB);
		assertThat(JdbcUrl.parse("jdbc:mariadb://db:3307/app").port()).isEqualTo(3307);
	}

	@Test
	void sqlServer() {
		JdbcUrl url = JdbcUrl.parse("jdbc:sqlserver://app.database.windows.net\\inst:1434;databaseName=app;encrypt=false");
		assertThat(url.vendor()).isEqualTo(JdbcUrl.Vendor.SQLSERVER);
		assertThat(url.host()).isEqualTo("app.database.windows.net");
		assertThat(url.port()).isEqualTo(1434);
		assertThat(url.parameter("Encrypt")).isEqualTo("false");
		assertThat(JdbcUrl.parse("jdbc:sqlserver://app.database.windows.net;encrypt=true").port()).isEqualTo(1433);
	}

	@Test
	void others() {
		assertThat(JdbcUrl.parse("jdbc:h2:mem:test").vendor()).isEqualTo(JdbcUrl.Vendor.OTHER);
		assertThat(JdbcUrl.parse(null).host()).isNull();
		assertThat(JdbcUrl.parse("jdbc:oracle:thin:@//db:1521/svc").port()).isEqualTo(-1);
	}

}
