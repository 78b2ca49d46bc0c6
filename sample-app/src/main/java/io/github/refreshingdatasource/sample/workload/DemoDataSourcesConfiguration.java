package io.github.refreshingdatasource.sample.workload;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.sample.issuer.CredentialFile;
import io.github.refreshingdatasource.sample.issuer.DemoCredentialIssuer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The demo's two further DataSources, next to the auto-configured {@code dataSource} (bound
 * with the {@code file} provider): {@code plainDataSource}, which the starter leaves alone
 * and which logs in with the password read once at startup, as most applications do today;
 * and {@code reportingDataSource}, bound with the {@code command} provider. Both are
 * {@code defaultCandidate = false}, so Spring Boot still auto-configures {@code dataSource}
 * and injects it wherever a plain {@code DataSource} is asked for. Their pool settings come
 * from {@code demo.plain.hikari.*} and {@code demo.reporting.hikari.*}; which ones the
 * starter binds, and how, from {@code refreshing.datasource.datasources.*}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "demo.issuer.enabled", matchIfMissing = true)
class DemoDataSourcesConfiguration {

	static final String PLAIN = "plainDataSource";

	static final String REPORTING = "reportingDataSource";

	private static final Log logger = LogFactory.getLog(DemoDataSourcesConfiguration.class);

	@Bean
	@ConditionalOnProperty(name = "demo.plain.enabled", matchIfMissing = true)
	StartupCredential plainStartupCredential(@Qualifier("credentialFile") CredentialFile credentialFile,
			DemoCredentialIssuer issuer) {
		// The issuer (a dependency, so started first) has published the first credential.
		DbCredential credential = credentialFile.readOnce();
		logger.info(PLAIN + ": read credential " + credential.fingerprint() + " for " + credential.username()
				+ " once at startup (valid until " + credential.expiresAt() + "); it is not bound to rotating "
				+ "credentials");
		return new StartupCredential(credential);
	}

	@Bean(name = PLAIN, defaultCandidate = false)
	@Qualifier(PLAIN)
	@ConditionalOnProperty(name = "demo.plain.enabled", matchIfMissing = true)
	@ConfigurationProperties("demo.plain.hikari")
	HikariDataSource plainDataSource(JdbcConnectionDetails connectionDetails, StartupCredential startupCredential) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(connectionDetails.getJdbcUrl());
		dataSource.setUsername(startupCredential.credential().username());
		dataSource.setPassword(startupCredential.credential().secret());
		return dataSource;
	}

	@Bean(name = REPORTING, defaultCandidate = false)
	@Qualifier(REPORTING)
	@ConfigurationProperties("demo.reporting.hikari")
	HikariDataSource reportingDataSource(JdbcConnectionDetails connectionDetails) {
		// No username or password: the command prints both.
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(connectionDetails.getJdbcUrl());
		return dataSource;
	}

}
