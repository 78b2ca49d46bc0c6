package io.github.refreshingdatasource.coordination;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.testsupport.ScramPostgres;
import org.junit.jupiter.api.BeforeAll;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;

/**
 * The fleet scenarios on {@code coordination.type: jdbc}: the state and lock tables live on
 * a second DataSource of each replica, on the same embedded PostgreSQL but logging in as a
 * role of its own ({@code fleet_state}), so the coordinated credential never guards its own
 * coordination. The tables are created by {@code coordination.jdbc.initialize-schema}.
 */
class JdbcFleetIntegrationTests extends FleetScenarios {

	private static final String STATE_ROLE = "fleet_state";

	private static String statePassword;

	@BeforeAll
	static void createStateRole() {
		statePassword = ScramPostgres.randomPassword();
		postgres.createLoginRole(STATE_ROLE, statePassword);
	}

	@Override
	String[] coordination(int test) {
		return new String[] { "refreshing.datasource.coordination.type=jdbc",
				"refreshing.datasource.coordination.jdbc.data-source=coordinationDataSource",
				"refreshing.datasource.coordination.jdbc.table-prefix=FLEET" + test + "_",
				"refreshing.datasource.coordination.jdbc.initialize-schema=true",
				"refreshing.datasource.datasources.coordinationDataSource.enabled=false" };
	}

	@Override
	ApplicationContextRunner backend(ApplicationContextRunner runner) {
		return runner.withUserConfiguration(TwoDataSources.class);
	}

	/** The application's DataSource, built as Spring Boot would, and the one holding the fleet state. */
	@Configuration(proxyBeanMethods = false)
	static class TwoDataSources {

		// Bound by hand: @ConfigurationProperties here would make the annotation processor write test metadata
		// that hides the main metadata from ConfigurationMetadataTests.
		@Bean
		@Primary
		HikariDataSource dataSource(DataSourceProperties properties, Environment environment) {
			HikariDataSource pool = properties.initializeDataSourceBuilder().type(HikariDataSource.class).build();
			Binder.get(environment).bind("spring.datasource.hikari", Bindable.ofInstance(pool));
			return pool;
		}

		@Bean
		HikariDataSource coordinationDataSource() {
			HikariDataSource pool = new HikariDataSource();
			pool.setJdbcUrl(postgres.jdbcUrl());
			pool.setUsername(STATE_ROLE);
			pool.setPassword(statePassword);
			pool.setMaximumPoolSize(4);
			pool.setPoolName("fleet-state");
			return pool;
		}

	}

}
