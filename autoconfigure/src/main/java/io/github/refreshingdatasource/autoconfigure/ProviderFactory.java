package io.github.refreshingdatasource.autoconfigure;

import java.util.function.BiFunction;

import io.github.refreshingdatasource.credentials.CredentialProvider;

/**
 * A {@link CredentialProviderFactory} made of its type and a function.
 */
final class ProviderFactory implements CredentialProviderFactory {

	private final ProviderType type;

	private final BiFunction<String, CredentialProperties, CredentialProvider> create;

	ProviderFactory(ProviderType type, BiFunction<String, CredentialProperties, CredentialProvider> create) {
		this.type = type;
		this.create = create;
	}

	@Override
	public ProviderType type() {
		return this.type;
	}

	@Override
	public CredentialProvider create(String dataSourceName, CredentialProperties properties) {
		return this.create.apply(dataSourceName, properties);
	}

	/**
	 * A required property of a provider is not set.
	 * @param dataSourceName the DataSource bean name
	 * @param property the property below {@code refreshing.datasource}, e.g.
	 * {@code provider.file.path}
	 * @param problem what is wrong, in a few words
	 * @return the exception to throw
	 */
	static RefreshingDataSourceConfigurationException missing(String dataSourceName, String property, String problem) {
		return new RefreshingDataSourceConfigurationException(
				"DataSource '" + dataSourceName + "': " + problem + ", but refreshing.datasource." + property
						+ " is not set.",
				"Set refreshing.datasource." + property + " (or " + CredentialPropertiesResolver.prefixOf(dataSourceName)
						+ "." + property + " for this DataSource only).");
	}

}
