package io.github.refreshingdatasource.autoconfigure;

import io.r2dbc.spi.ConnectionFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.r2dbc.ConnectionFactoryDecorator;
import org.springframework.boot.r2dbc.autoconfigure.ConnectionFactoryOptionsBuilderCustomizer;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration that binds Spring Boot's R2DBC {@link ConnectionFactory} (bean
 * {@code connectionFactory}) to rotating credentials.
 */
@AutoConfiguration(before = R2dbcAutoConfiguration.class, after = RefreshingDataSourceAutoConfiguration.class)
@ConditionalOnClass({ ConnectionFactory.class, ConnectionFactoryOptionsBuilderCustomizer.class,
		ConnectionFactoryDecorator.class, reactor.core.publisher.Mono.class })
@ConditionalOnBooleanProperty(name = "refreshing.datasource.enabled", matchIfMissing = true)
public final class RefreshingR2dbcAutoConfiguration {

	@Bean
	R2dbcCredentialCustomizer refreshingR2dbcCredentialCustomizer(
			ObjectProvider<DataSourceBinder> binder) {
		return new R2dbcCredentialCustomizer(binder);
	}

}
