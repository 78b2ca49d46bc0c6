package io.github.refreshingdatasource.autoconfigure;

import io.github.refreshingdatasource.credentials.CredentialProvider;

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

}
