package io.github.refreshingdatasource.autoconfigure;

import javax.sql.DataSource;

import liquibase.integration.spring.SpringLiquibase;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseConnectionDetails;
import org.springframework.util.StringUtils;

/**
 * Binds the DataSource of each {@link SpringLiquibase} bean before it initializes, which is
 * when it migrates. Spring Boot offers no public customizer for it (its
 * {@code SpringLiquibaseCustomizer} is package-private), so a post-processor it is.
 */
final class LiquibaseDataSourceBeanPostProcessor implements BeanPostProcessor {

	private final ObjectProvider<DataSourceBinder> binder;

	private final ObjectProvider<LiquibaseConnectionDetails> connectionDetails;

	LiquibaseDataSourceBeanPostProcessor(ObjectProvider<DataSourceBinder> binder,
			ObjectProvider<LiquibaseConnectionDetails> connectionDetails) {
		this.binder = binder;
		this.connectionDetails = connectionDetails;
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof SpringLiquibase liquibase && liquibase.getDataSource() != null) {
			DataSource dataSource = liquibase.getDataSource();
			liquibase.setDataSource(this.binder.getObject()
				.bindMigrationDataSource(dataSource, beanName, serviceConnection(this.connectionDetails.getIfUnique())));
		}
		return bean;
	}

	private static @Nullable String serviceConnection(@Nullable LiquibaseConnectionDetails details) {
		if (details == null || "PropertiesLiquibaseConnectionDetails".equals(details.getClass().getSimpleName())
				|| !StringUtils.hasText(details.getPassword())) {
			return null;
		}
		return details.getClass().getName();
	}

}
