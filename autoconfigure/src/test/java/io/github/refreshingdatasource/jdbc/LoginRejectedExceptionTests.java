package io.github.refreshingdatasource.jdbc;

import java.sql.SQLException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LoginRejectedException}, {@link LoginRejections#describe(SQLException)}
 * and {@link RejectionHint}: what a person reads when a login is rejected.
 */
class LoginRejectedExceptionTests {

	@Test
	void postgresInvalidPasswordIsExplainedWithEverythingButTheSecret() {
		SQLException driver = new SQLException("FATAL: password authentication failed for user \"app\"", "28P01");
		LoginRejectedException ex = new LoginRejectedException("dataSource", "file", "app", "1a2b3c4d", driver, driver,
				"Check the credential file /run/secrets/db.json.");
		assertThat(ex.getMessage()).contains("datasource 'dataSource'", "provider: file", "user: app",
				"credential: 1a2b3c4d", "SQLState 28P01",
				"password authentication failed: the credential was revoked or the role is not mapped to this identity",
				"/run/secrets/db.json");
		assertThat(ex.getSQLState()).isEqualTo("28P01");
		assertThat(ex.getCause()).isSameAs(driver);
	}

	@Test
	void vendorCodesAreExplained() {
		assertThat(LoginRejections.describe(new SQLException("denied", "28000", 1045)))
			.isEqualTo("SQLState 28000, vendor code 1045 (access denied: the password or token is wrong or expired, "
					+ "or the user may not connect from this host)");
		assertThat(LoginRejections.describe(new SQLException("Login failed", "S0001", 18456))).contains("vendor code 18456",
				"not mapped to a database user");
		assertThat(LoginRejections.describe(new SQLException("ORA-01017", "72000", 1017))).contains("vendor code 1017",
				"invalid username/password");
		assertThat(LoginRejections.describe(new SQLException("nologin", "28000"))).contains("SQLState 28000",
				"NOLOGIN");
	}

	@Test
	void aSourceWithoutItsOwnHintIsNamedByItsType() {
		assertThat(RejectionHint.generic("something-new").likelyFix("app")).contains("provider something-new", "'app'");
		assertThat(RejectionHint.generic("something-new").likelyFix(null)).contains("the configured user");
	}

}
