package io.github.refreshingdatasource.starter;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.autoconfigure.RefreshingDataSourceAutoConfiguration;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a user gets from the one starter dependency: the auto-configuration is listed in the
 * import file, and plain auto-configuration binds the DataSource Spring Boot builds.
 */
class StarterTests {

	@Test
	void autoConfigurationImportFileListsTheAutoConfiguration() {
		assertThat(ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()).getCandidates())
			.contains(RefreshingDataSourceAutoConfiguration.class.getName());
	}

	@Test
	void enableAutoConfigurationBindsTheDataSource() {
		new ApplicationContextRunner().withUserConfiguration(App.class)
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://localhost:1/none",
					"refreshing.datasource.provider.type=static", "refreshing.datasource.provider.static.username=u",
					"refreshing.datasource.provider.static.password=p")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(CredentialCacheRegistry.class).get("dataSource")).isNotNull();
				HikariDataSource pool = context.getBean(DataSource.class).unwrap(HikariDataSource.class);
				assertThat(pool.getCredentialsProvider()).isNotNull();
			});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

	}

}
