package io.github.refreshingdatasource.autoconfigure;

import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.RefreshSettings;

/**
 * Creates the {@link CredentialProvider} of one DataSource for one {@link ProviderType}.
 * One bean per available type, registered by that type's configuration.
 */
interface CredentialProviderFactory {

	ProviderType type();

	/**
	 * Create the provider, checking its settings first.
	 * @param dataSourceName the DataSource bean name
	 * @param properties the DataSource's resolved settings
	 * @return the provider
	 * @throws RefreshingDataSourceConfigurationException when the settings cannot work
	 */
	CredentialProvider create(String dataSourceName, CredentialProperties properties);

	/**
	 * Create the provider, checking its settings first, knowing where the DataSource
	 * connects. Providers that do not care keep the default.
	 * @param dataSourceName the DataSource bean name
	 * @param properties the DataSource's resolved settings
	 * @param dataSource the DataSource's URL and default username
	 * @return the provider
	 * @throws RefreshingDataSourceConfigurationException when the settings cannot work
	 */
	default CredentialProvider create(String dataSourceName, CredentialProperties properties,
			DataSourceDetails dataSource) {
		return create(dataSourceName, properties);
	}

	/**
	 * The refresh settings of the provider's cache: the configured ones, unless the source
	 * suggests its own default (a secrets manager whose every call is billed).
	 * @param properties the DataSource's resolved settings
	 * @return the settings
	 */
	default RefreshSettings refreshSettings(CredentialProperties properties) {
		return properties.getRefresh().toSettings();
	}

}
