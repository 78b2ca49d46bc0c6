package io.github.refreshingdatasource.autoconfigure.health;

import java.time.Clock;

import javax.sql.DataSource;

import io.github.refreshingdatasource.autoconfigure.RefreshingDataSourceAutoConfiguration;
import io.github.refreshingdatasource.autoconfigure.coordination.CoordinatedDataSources;
import io.github.refreshingdatasource.autoconfigure.RefreshingDataSourceProperties;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code dbcredentials} health indicator: active when Spring
 * Boot's health support is present, unless
 * {@code management.health.dbcredentials.enabled=false}.
 */
@AutoConfiguration(after = RefreshingDataSourceAutoConfiguration.class,
		afterName = "org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration")
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(CredentialCacheRegistry.class)
@ConditionalOnEnabledHealthIndicator("dbcredentials")
public final class RefreshingDataSourceHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "dbcredentialsHealthIndicator")
	HealthIndicator dbcredentialsHealthIndicator(CredentialCacheRegistry credentialCacheRegistry,
			RefreshingDataSourceProperties properties, ListableBeanFactory beanFactory) {
		return new DbCredentialsHealthIndicator(credentialCacheRegistry, (name) -> dataSource(beanFactory, name),
				properties.getHealth().getWarnBeforeExpiry(), Clock.systemUTC(), (name) -> brokenChain(beanFactory, name));
	}

	// Looked up by name: the coordination classes are loaded only when coordination is configured.
	private static @Nullable String brokenChain(ListableBeanFactory beanFactory, String name) {
		return beanFactory.containsBean(CoordinatedDataSources.BEAN_NAME)
				? beanFactory.getBean(CoordinatedDataSources.BEAN_NAME, CoordinatedDataSources.class).brokenChain(name)
				: null;
	}

	private static @Nullable DataSource dataSource(ListableBeanFactory beanFactory, String name) {
		return (beanFactory.containsBean(name) && beanFactory.isTypeMatch(name, DataSource.class))
				? beanFactory.getBean(name, DataSource.class) : null;
	}

}
