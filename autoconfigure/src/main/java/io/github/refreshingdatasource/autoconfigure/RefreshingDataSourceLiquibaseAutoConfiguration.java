package io.github.refreshingdatasource.autoconfigure;

import liquibase.integration.spring.SpringLiquibase;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.liquibase.autoconfigure.LiquibaseConnectionDetails;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration that binds the DataSource Liquibase builds for itself from
 * {@code spring.liquibase.url/user} to rotating credentials, under the name of the
 * {@link SpringLiquibase} bean ({@code liquibase}, so
 * {@code refreshing.datasource.datasources.liquibase.*}). When Liquibase uses the
 * application's DataSource or a {@code @LiquibaseDataSource} bean, that bean is bound as
 * every DataSource bean is, and this leaves it alone.
 */
@AutoConfiguration(after = RefreshingDataSourceAutoConfiguration.class)
@ConditionalOnClass({ SpringLiquibase.class, LiquibaseConnectionDetails.class })
@ConditionalOnBean(DataSourceBinder.class)
public final class RefreshingDataSourceLiquibaseAutoConfiguration {

	@Bean
	static LiquibaseDataSourceBeanPostProcessor refreshingDataSourceLiquibaseBeanPostProcessor(
			ObjectProvider<DataSourceBinder> binder,
			ObjectProvider<LiquibaseConnectionDetails> connectionDetails) {
		return new LiquibaseDataSourceBeanPostProcessor(binder, connectionDetails);
	}

}
