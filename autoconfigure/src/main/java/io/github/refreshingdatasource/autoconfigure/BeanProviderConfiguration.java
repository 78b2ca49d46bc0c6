package io.github.refreshingdatasource.autoconfigure;

import java.util.Arrays;

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
	CredentialProviderFactory beanCredentialProviderFactory(ListableBeanFactory beanFactory) {
		return new ProviderFactory(ProviderType.BEAN, (dataSourceName, properties) -> {
			String name = properties.getProvider().getBean().getName();
			String[] candidates = beanFactory.getBeanNamesForType(CredentialProvider.class);
			if (name != null) {
				if (!Arrays.asList(candidates).contains(name)) {
					throw new RefreshingDataSourceConfigurationException("DataSource '" + dataSourceName
							+ "': refreshing.datasource.provider.bean.name is '" + name
							+ "', but there is no CredentialProvider bean of that name (CredentialProvider beans: "
							+ Arrays.toString(candidates) + ").",
							"Define a bean named '" + name + "' implementing "
									+ CredentialProvider.class.getName() + ", or set "
									+ "refreshing.datasource.provider.bean.name to one of " + Arrays.toString(candidates) + ".");
				}
				return beanFactory.getBean(name, CredentialProvider.class);
			}
			if (candidates.length == 1) {
				return beanFactory.getBean(candidates[0], CredentialProvider.class);
			}
			if (properties.getProvider().getType() == null) {
				throw new RefreshingDataSourceConfigurationException(
						"DataSource '" + dataSourceName + "' has no credential provider: refreshing.datasource.provider.type "
								+ "is not set and there is " + ((candidates.length == 0) ? "no CredentialProvider bean"
										: "more than one CredentialProvider bean " + Arrays.toString(candidates))
								+ ".",
						"Set refreshing.datasource.provider.type to static, file, command or bean (with "
								+ "refreshing.datasource.provider.bean.name), or set refreshing.datasource.enabled=false "
								+ "to turn rotating credentials off.");
			}
			throw new RefreshingDataSourceConfigurationException("DataSource '" + dataSourceName
					+ "' uses the bean provider, but there is " + ((candidates.length == 0) ? "no CredentialProvider bean"
							: "more than one CredentialProvider bean " + Arrays.toString(candidates))
					+ ".",
					"Define one bean implementing " + CredentialProvider.class.getName()
							+ ", or name one with refreshing.datasource.provider.bean.name.");
		});
	}

}
