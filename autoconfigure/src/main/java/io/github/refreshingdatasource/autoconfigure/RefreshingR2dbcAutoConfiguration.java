package io.github.refreshingdatasource.autoconfigure;

import io.r2dbc.spi.ConnectionFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration that binds Spring Boot's R2DBC {@link ConnectionFactory} (bean
 * {@code connectionFactory}) to rotating credentials, and offers an
 * {@link R2dbcCredentialBinder} for connection factories created at runtime.
 */
@AutoConfiguration(before = R2dbcAutoConfiguration.class, after = RefreshingDataSourceAutoConfiguration.class)
@ConditionalOnClass({ ConnectionFactory.class, reactor.core.publisher.Mono.class })
@ConditionalOnBooleanProperty(name = "refreshing.datasource.enabled", matchIfMissing = true)
public final class RefreshingR2dbcAutoConfiguration {

	/** Spring Boot's {@code spring.r2dbc.*} factory. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "org.springframework.boot.r2dbc.autoconfigure.ConnectionFactoryOptionsBuilderCustomizer",
			"org.springframework.boot.r2dbc.ConnectionFactoryDecorator" })
	static class BootConnectionFactoryConfiguration {

		@Bean
		R2dbcCredentialCustomizer refreshingR2dbcCredentialCustomizer(ObjectProvider<DataSourceBinder> binder) {
			return new R2dbcCredentialCustomizer(binder);
		}

		/** Static and lazy, so it wakes neither the customizer nor the binder early. */
		@Bean
		static R2dbcCredentialCustomizer.Lifecycle refreshingR2dbcConnectionFactoryLifecycle(
				ObjectProvider<R2dbcCredentialCustomizer> customizer, ObjectProvider<DataSourceBinder> binder) {
			return new R2dbcCredentialCustomizer.Lifecycle(customizer, binder);
		}

	}

	/** Connection factories the application creates at runtime: r2dbc-pool over r2dbc-postgresql. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = { "io.r2dbc.pool.ConnectionPool",
			"io.r2dbc.postgresql.PostgresqlConnectionFactoryProvider" })
	static class RuntimeBinderConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBean(DataSourceBinder.class)
		R2dbcCredentialBinder r2dbcCredentialBinder(DataSourceBinder refreshingDataSourceBinder) {
			return new RuntimeR2dbcCredentialBinder(refreshingDataSourceBinder);
		}

	}

}
