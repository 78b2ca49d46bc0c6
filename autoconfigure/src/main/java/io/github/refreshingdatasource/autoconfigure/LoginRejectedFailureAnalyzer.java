package io.github.refreshingdatasource.autoconfigure;

import io.github.refreshingdatasource.jdbc.LoginRejectedException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a startup that failed because the database rejected a bound DataSource's
 * credential: something opened the pool while the application started (a schema
 * migration, {@code spring.sql.init}, HikariCP's fail-fast check) and the login was refused.
 */
class LoginRejectedFailureAnalyzer extends AbstractFailureAnalyzer<LoginRejectedException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, LoginRejectedException cause) {
		String description = "DataSource '" + cause.getDataSourceName() + "' could not log in: the database rejected user "
				+ cause.getUsername() + " with credential " + cause.getFingerprint() + " from provider "
				+ cause.getProviderType() + ".\n\nReason: " + cause.getReason() + ".";
		String action = cause.getHint() + "\n\nThe rotating credential is refreshed by the starter; "
				+ "spring.datasource.password is not used for a bound DataSource.";
		return new FailureAnalysis(description, action, cause);
	}

}
