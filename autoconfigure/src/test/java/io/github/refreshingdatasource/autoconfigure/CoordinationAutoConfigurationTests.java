package io.github.refreshingdatasource.autoconfigure;

import io.github.refreshingdatasource.autoconfigure.coordination.CoordinatedDataSources;
import io.github.refreshingdatasource.autoconfigure.coordination.RefreshingDataSourceCoordinationAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.integration.redis.util.RedisLockRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The coordination auto-configuration: off unless asked for, and a type that cannot work
 * (its libraries missing, a setting missing or contradictory) fails startup through the
 * failure analyzer with what to add or set.
 */
class CoordinationAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, DataRedisAutoConfiguration.class,
				RefreshingDataSourceAutoConfiguration.class, RefreshingDataSourceCoordinationAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://localhost:1/none",
				"spring.datasource.username=app_user", "refreshing.datasource.provider.type=static",
				"refreshing.datasource.provider.static.password=x");

	@Test
	void noCoordinationByDefault() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(CoordinatedDataSources.class);
			assertThat(context.getBean(CoordinatedDataSources.class).all()).isEmpty();
		});
	}

	@Test
	void redisWithoutItsLibrariesNamesTheDependenciesToAdd() {
		this.runner.withClassLoader(new FilteredClassLoader(RedisLockRegistry.class))
			.withPropertyValues("refreshing.datasource.coordination.type=redis")
			.run((context) -> {
				FailureAnalysis analysis = TokenProviderAutoConfigurationTests.analyze(context);
				assertThat(analysis.getDescription()).contains("DataSource 'dataSource' coordinates through 'redis'",
						"org.springframework.integration:spring-integration-redis");
				assertThat(analysis.getAction()).contains("Add the dependency",
						"org.springframework.boot:spring-boot-starter-data-redis");
			});
	}

	@Test
	void withoutSpringIntegrationEveryTypeButNoneNamesItsDependency() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.integration"))
			.withPropertyValues("refreshing.datasource.coordination.type=jdbc")
			.run((context) -> assertThat(TokenProviderAutoConfigurationTests.analyze(context).getDescription())
				.contains("org.springframework.integration:spring-integration-jdbc is not on the classpath"));
	}

	@Test
	void jdbcNeedsTheNameOfItsDataSource() {
		this.runner.withPropertyValues("refreshing.datasource.coordination.type=jdbc")
			.run((context) -> assertThat(TokenProviderAutoConfigurationTests.analyze(context).getDescription())
				.contains("refreshing.datasource.coordination.jdbc.data-source is not set"));
	}

	@Test
	void jdbcStateCannotLiveInTheCoordinatedDataSourceItself() {
		this.runner
			.withPropertyValues("refreshing.datasource.coordination.type=jdbc",
					"refreshing.datasource.coordination.jdbc.data-source=dataSource")
			.run((context) -> {
				FailureAnalysis analysis = TokenProviderAutoConfigurationTests.analyze(context);
				assertThat(analysis.getDescription()).contains("would keep its fleet state in itself");
				assertThat(analysis.getAction())
					.contains("refreshing.datasource.datasources.dataSource.coordination.type=none");
			});
	}

	@Test
	void aLeaseShorterThanTheFetchTimeoutIsRefused() {
		this.runner
			.withPropertyValues("refreshing.datasource.coordination.type=redis",
					"refreshing.datasource.coordination.lease=5s", "refreshing.datasource.refresh.fetch-timeout=10s")
			.run((context) -> assertThat(TokenProviderAutoConfigurationTests.analyze(context).getDescription())
				.contains("coordination.lease (PT5S) is not longer than refresh.fetch-timeout (PT10S)"));
	}

}
