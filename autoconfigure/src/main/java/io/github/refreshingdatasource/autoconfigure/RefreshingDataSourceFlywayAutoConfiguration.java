package io.github.refreshingdatasource.autoconfigure;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.flyway.autoconfigure.FlywayConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.util.StringUtils;

/**
 * Auto-configuration that binds the DataSource Flyway builds for itself from
 * {@code spring.flyway.url/user} to rotating credentials, under the name {@code flyway}
 * ({@code refreshing.datasource.datasources.flyway.*}). When Flyway uses the application's
 * DataSource or a {@code @FlywayDataSource} bean, that bean is bound as every DataSource bean
 * is, and this leaves it alone.
 */
@AutoConfiguration(after = RefreshingDataSourceAutoConfiguration.class)
@ConditionalOnClass({ Flyway.class, FlywayConfigurationCustomizer.class })
@ConditionalOnBean(DataSourceBinder.class)
public final class RefreshingDataSourceFlywayAutoConfiguration {

	/** The name of Flyway's own DataSource in the registry and under {@code datasources}. */
	static final String NAME = "flyway";

	@Bean
	FlywayConfigurationCustomizer refreshingDataSourceFlywayConfigurationCustomizer(
			ObjectProvider<DataSourceBinder> binder,
			ObjectProvider<FlywayConnectionDetails> connectionDetails) {
		// Customizers run after Boot has chosen or built the migration DataSource and before
		// Flyway opens a connection with it.
		return (configuration) -> {
			DataSource dataSource = configuration.getDataSource();
			if (dataSource != null) {
				configuration.dataSource(binder.getObject()
					.bindMigrationDataSource(dataSource, NAME, serviceConnection(connectionDetails.getIfUnique())));
			}
		};
	}

	private static @Nullable String serviceConnection(@Nullable FlywayConnectionDetails details) {
		if (details == null || "PropertiesFlywayConnectionDetails".equals(details.getClass().getSimpleName())
				|| !StringUtils.hasText(details.getPassword())) {
			return null;
		}
		return details.getClass().getName();
	}

}
