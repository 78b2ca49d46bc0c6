package io.github.refreshingdatasource.sample.issuer;

import java.nio.file.Path;
import java.time.Clock;

import javax.sql.DataSource;

import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.github.refreshingdatasource.sample.database.DatabaseAdministrator;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AbstractDependsOnBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The demo issuer, created (and its first credentials published) before any DataSource, so
 * the starter finds the files when it binds the pools.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "demo.issuer.enabled", matchIfMissing = true)
@EnableConfigurationProperties(DemoIssuerProperties.class)
class DemoIssuerConfiguration {

	static final String ISSUER_BEAN = "demoCredentialIssuer";

	static final String DIRECTORY_BEAN = "demoCredentialDirectory";

	@Bean(DIRECTORY_BEAN)
	@ConditionalOnProperty(CredentialFileEnvironmentPostProcessor.DIRECTORY_PROPERTY)
	CredentialDirectory demoCredentialDirectory(Environment environment) {
		return new CredentialDirectory(
				Path.of(environment.getRequiredProperty(CredentialFileEnvironmentPostProcessor.DIRECTORY_PROPERTY)));
	}

	@Bean
	CredentialFile credentialFile(DemoIssuerProperties properties) {
		return new CredentialFile(required(properties.getCredentialFile(), CredentialFileEnvironmentPostProcessor.PROPERTY),
				Audience.APP, "password");
	}

	@Bean
	CredentialFile reportingCredentialFile(DemoIssuerProperties properties) {
		return new CredentialFile(required(properties.getReportingCredentialFile(),
				CredentialFileEnvironmentPostProcessor.REPORTING_PROPERTY), Audience.REPORTING, "token");
	}

	private static Path required(@Nullable Path path, String property) {
		if (path == null) {
			throw new IllegalStateException("Set " + property + ", a file the demo issuer writes");
		}
		return path;
	}

	@Bean(name = ISSUER_BEAN, initMethod = "start", destroyMethod = "close")
	DemoCredentialIssuer demoCredentialIssuer(DemoIssuerProperties properties,
			ObjectProvider<DatabaseAdministrator> administrator, ObjectProvider<CredentialPublisher> publishers) {
		DatabaseAdministrator admin = administrator.getIfAvailable();
		if (admin == null) {
			throw new IllegalStateException("The demo issuer needs administrator access to the database: with "
					+ "spring.datasource.url set, set demo.database.admin-username and demo.database.admin-password, "
					+ "or turn the issuer off with demo.issuer.enabled=false");
		}
		return new DemoCredentialIssuer(admin, publishers.orderedStream().toList(), properties, Clock.systemUTC());
	}

	@Bean
	static DataSourcesDependOnIssuer dataSourcesDependOnIssuer() {
		return new DataSourcesDependOnIssuer();
	}

	@Bean
	@ConditionalOnProperty(CredentialFileEnvironmentPostProcessor.DIRECTORY_PROPERTY)
	static CachesCloseBeforeDirectory cachesCloseBeforeDirectory() {
		return new CachesCloseBeforeDirectory();
	}

	static final class DataSourcesDependOnIssuer extends AbstractDependsOnBeanFactoryPostProcessor {

		DataSourcesDependOnIssuer() {
			super(DataSource.class, ISSUER_BEAN);
		}

	}

	/**
	 * The registry closes the credential caches, which stop watching the directory: a bean
	 * is destroyed before the beans it depends on, so the registry goes first.
	 */
	static final class CachesCloseBeforeDirectory extends AbstractDependsOnBeanFactoryPostProcessor {

		CachesCloseBeforeDirectory() {
			super(CredentialCacheRegistry.class, DIRECTORY_BEAN);
		}

	}

}
