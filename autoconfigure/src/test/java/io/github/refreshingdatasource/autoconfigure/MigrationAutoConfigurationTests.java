package io.github.refreshingdatasource.autoconfigure;

import liquibase.integration.spring.SpringLiquibase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RefreshingDataSourceFlywayAutoConfiguration} and
 * {@link RefreshingDataSourceLiquibaseAutoConfiguration}: present with their libraries and
 * the core auto-configuration, absent otherwise. No pool starts here.
 */
class MigrationAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				RefreshingDataSourceAutoConfiguration.class, RefreshingDataSourceFlywayAutoConfiguration.class,
				RefreshingDataSourceLiquibaseAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://localhost:1/none",
				"refreshing.datasource.provider.type=static", "refreshing.datasource.provider.static.username=dev",
				"refreshing.datasource.provider.static.password=dev-secret");

	@Test
	void bindsMigrationDataSourcesWhenFlywayAndLiquibaseArePresent() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(FlywayConfigurationCustomizer.class);
			assertThat(context).hasSingleBean(LiquibaseDataSourceBeanPostProcessor.class);
		});
	}

	@Test
	void backsOffWithoutFlyway() {
		this.runner.withClassLoader(new FilteredClassLoader(Flyway.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(RefreshingDataSourceFlywayAutoConfiguration.class);
			assertThat(context).hasSingleBean(LiquibaseDataSourceBeanPostProcessor.class);
		});
	}

	@Test
	void backsOffWithoutLiquibase() {
		this.runner.withClassLoader(new FilteredClassLoader(SpringLiquibase.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(LiquibaseDataSourceBeanPostProcessor.class);
			assertThat(context).hasSingleBean(FlywayConfigurationCustomizer.class);
		});
	}

	@Test
	void backsOffWhenRotatingCredentialsAreDisabled() {
		this.runner.withPropertyValues("refreshing.datasource.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(FlywayConfigurationCustomizer.class);
			assertThat(context).doesNotHaveBean(LiquibaseDataSourceBeanPostProcessor.class);
		});
	}

}
