package io.github.refreshingdatasource.autoconfigure;

import javax.sql.DataSource;

import io.github.refreshingdatasource.autoconfigure.coordination.CoordinatedDataSources;
import io.github.refreshingdatasource.autoconfigure.coordination.FleetBackend;
import io.github.refreshingdatasource.autoconfigure.provider.CredentialProviderFactory;
import io.github.refreshingdatasource.credentials.CredentialCacheListener;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.github.refreshingdatasource.credentials.RefreshThreads;
import io.github.refreshingdatasource.credentials.CredentialFetchInterceptor;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.datasource.AbstractDriverBasedDataSource;

/**
 * Auto-configuration that binds every DataSource bean of a supported pool (HikariCP, Tomcat
 * JDBC, Commons DBCP2, Oracle UCP; none of them required) to rotating credentials, and
 * offers a {@link CredentialBinder} for pools created at runtime.
 */
@AutoConfiguration(before = DataSourceAutoConfiguration.class)
@ConditionalOnClass({ DataSource.class, AbstractDriverBasedDataSource.class })
@ConditionalOnBooleanProperty(name = "refreshing.datasource.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RefreshingDataSourceProperties.class)
@Import(ProviderConfigurations.class)
public final class RefreshingDataSourceAutoConfiguration {

	/**
	 * The engine threads every cache of the application shares: one scheduler thread and
	 * small bounded pools whose idle threads time out, so threads do not grow with the
	 * number of DataSources.
	 */
	@Bean(destroyMethod = "close")
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static RefreshThreads refreshingDataSourceThreads() {
		return new RefreshThreads();
	}

	/**
	 * Takes the threads so that it, and so every cache, is closed before them.
	 */
	@Bean
	@ConditionalOnMissingBean
	CredentialCacheRegistry credentialCacheRegistry(RefreshThreads refreshingDataSourceThreads) {
		return new CredentialCacheRegistry();
	}

	/**
	 * Created with the post-processor, before other beans; it holds only lazy references.
	 */
	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static DataSourceBinder refreshingDataSourceBinder(Environment environment, RefreshThreads refreshingDataSourceThreads,
			ObjectProvider<CredentialCacheRegistry> registry, ObjectProvider<CredentialProviderFactory<?>> factories,
			ObjectProvider<CredentialCacheListener> listeners, ObjectProvider<CredentialFetchInterceptor> fetchInterceptors,
			ObjectProvider<FleetBackend> fleetBackends, ObjectProvider<CoordinatedDataSources> coordinated) {
		return new DataSourceBinder(new CredentialCacheFactory(environment, factories, listeners, fetchInterceptors,
				refreshingDataSourceThreads, fleetBackends, coordinated),
				registry);
	}

	@Bean
	@ConditionalOnMissingBean
	CredentialBinder credentialBinder(DataSourceBinder refreshingDataSourceBinder) {
		return new RuntimeCredentialBinder(refreshingDataSourceBinder);
	}

	@Bean
	static RefreshingDataSourceBeanPostProcessor refreshingDataSourceBeanPostProcessor(DataSourceBinder binder) {
		return new RefreshingDataSourceBeanPostProcessor(binder);
	}

}
