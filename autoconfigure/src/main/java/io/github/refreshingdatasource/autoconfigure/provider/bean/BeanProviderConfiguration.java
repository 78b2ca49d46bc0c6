package io.github.refreshingdatasource.autoconfigure.provider.bean;

import io.github.refreshingdatasource.autoconfigure.ProviderType;
import io.github.refreshingdatasource.autoconfigure.provider.ConditionalOnProviderType;
import io.github.refreshingdatasource.autoconfigure.provider.CredentialProviderFactory;
import io.github.refreshingdatasource.credentials.CredentialProvider;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code bean} provider: an application bean implementing {@link CredentialProvider},
 * by name or the single one. Also what a DataSource without a provider type uses.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProviderType(ProviderType.BEAN)
class BeanProviderConfiguration {

	@Bean
	CredentialProviderFactory<BeanProviderSettings> beanCredentialProviderFactory(ListableBeanFactory beanFactory) {
		return new BeanProviderFactory(beanFactory);
	}

}
