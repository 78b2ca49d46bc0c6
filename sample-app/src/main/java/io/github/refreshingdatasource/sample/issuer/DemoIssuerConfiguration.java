package io.github.refreshingdatasource.sample.issuer;

import java.nio.file.Path;
import java.time.Clock;

import javax.sql.DataSource;

import io.github.refreshingdatasource.sample.database.DatabaseAdministrator;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AbstractDependsOnBeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The demo issuer, created (and its first credential published) before any DataSource, so
 * the starter finds the file when it binds the pool.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "demo.issuer.enabled", matchIfMissing = true)
@EnableConfigurationProperties(DemoIssuerProperties.class)
class DemoIssuerConfiguration {

	static final String ISSUER_BEAN = "demoCredentialIssuer";

	@Bean
	CredentialFile credentialFile(DemoIssuerProperties properties) {
		Path file = properties.getCredentialFile();
		if (file == null) {
			throw new IllegalStateException("Set demo.issuer.credential-file, the file the demo issuer writes");
		}
		return new CredentialFile(file);
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
		return new DemoCredentialIssuer(admin, publishers.orderedStream().toList(), properties.getLifetime(), properties.getGrace(),
				properties.getOutage(), Clock.systemUTC());
	}

	@Bean
	static DataSourcesDependOnIssuer dataSourcesDependOnIssuer() {
		return new DataSourcesDependOnIssuer();
	}

	static final class DataSourcesDependOnIssuer extends AbstractDependsOnBeanFactoryPostProcessor {

		DataSourcesDependOnIssuer() {
			super(DataSource.class, ISSUER_BEAN);
		}

	}

}
