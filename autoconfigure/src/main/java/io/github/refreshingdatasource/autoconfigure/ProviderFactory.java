package io.github.refreshingdatasource.autoconfigure;

import java.util.function.BiFunction;

import io.github.refreshingdatasource.credentials.CredentialProvider;

/**
 * A {@link CredentialProviderFactory} made of its type and a function.
 */
final class ProviderFactory implements CredentialProviderFactory {

	private final ProviderType type;

	private final Creator create;

	ProviderFactory(ProviderType type, BiFunction<String, CredentialProperties, CredentialProvider> create) {
		this(type, (dataSourceName, properties, dataSource) -> create.apply(dataSourceName, properties));
	}

	ProviderFactory(ProviderType type, Creator create) {
		this.type = type;
		this.create = create;
	}

	@Override
	public ProviderType type() {
		return this.type;
	}

	@Override
	public CredentialProvider create(String dataSourceName, CredentialProperties properties) {
		return this.create.create(dataSourceName, properties, DataSourceDetails.UNKNOWN);
	}

	@Override
	public CredentialProvider create(String dataSourceName, CredentialProperties properties,
			DataSourceDetails dataSource) {
		return this.create.create(dataSourceName, properties, dataSource);
	}

	/**
	 * Creates a provider from its settings and what is known of the DataSource.
	 */
	@FunctionalInterface
	interface Creator {

		CredentialProvider create(String dataSourceName, CredentialProperties properties, DataSourceDetails dataSource);

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
