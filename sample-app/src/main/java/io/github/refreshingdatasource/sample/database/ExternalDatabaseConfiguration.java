package io.github.refreshingdatasource.sample.database;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * A database of your own ({@code spring.datasource.url} set): the demo issuer runs against it
 * when {@code demo.database.admin-username} names a role allowed to create roles.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty("spring.datasource.url")
@EnableConfigurationProperties(DemoDatabaseProperties.class)
class ExternalDatabaseConfiguration {

	@Bean
	@ConditionalOnProperty("demo.database.admin-username")
	DatabaseAdministrator databaseAdministrator(DemoDatabaseProperties properties,
			Environment environment) {
		return new DatabaseAdministrator(environment.getRequiredProperty("spring.datasource.url"),
				properties.getAdminUsername(), properties.getAdminPassword());
	}

}
