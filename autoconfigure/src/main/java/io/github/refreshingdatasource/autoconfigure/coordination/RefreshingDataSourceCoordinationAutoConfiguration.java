package io.github.refreshingdatasource.autoconfigure.coordination;

import io.github.refreshingdatasource.autoconfigure.RefreshingDataSourceAutoConfiguration;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.integration.redis.util.RedisLockRegistry;

/**
 * Auto-configuration of fleet coordination ({@code refreshing.datasource.coordination.*}):
 * one backend bean per type whose libraries are present (Spring Integration's lock
 * registries, Spring Data Redis). A DataSource that asks for a type whose backend is
 * missing fails startup, naming the dependency to add. The beans are static and lazy in
 * what they hold: the DataSource post-processor asks for them while DataSources are
 * created.
 */
@AutoConfiguration(after = RefreshingDataSourceAutoConfiguration.class,
		afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnClass(name = "org.springframework.integration.support.locks.LockRegistry")
public final class RefreshingDataSourceCoordinationAutoConfiguration {

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static CoordinatedDataSources refreshingDataSourceCoordinatedDataSources() {
		return new CoordinatedDataSources();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ RedisLockRegistry.class, RedisConnectionFactory.class })
	static final class RedisCoordinationConfiguration {

		@Bean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		static FleetBackend refreshingDataSourceRedisFleetBackend(
				ObjectProvider<RedisConnectionFactory> connectionFactory) {
			return new RedisFleetBackend(connectionFactory);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(JdbcLockRegistry.class)
	static final class JdbcCoordinationConfiguration {

		@Bean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		static FleetBackend refreshingDataSourceJdbcFleetBackend(BeanFactory beanFactory,
				ObjectProvider<CredentialCacheRegistry> caches) {
			return new JdbcFleetBackend(beanFactory, caches);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(CredentialCacheRegistry.class)
	static final class FleetMetricsConfiguration {

		@Bean
		FleetMeterBinder refreshingDataSourceFleetMeterBinder(CredentialCacheRegistry credentialCacheRegistry,
				CoordinatedDataSources refreshingDataSourceCoordinatedDataSources) {
			return new FleetMeterBinder(credentialCacheRegistry, refreshingDataSourceCoordinatedDataSources);
		}

	}

}
