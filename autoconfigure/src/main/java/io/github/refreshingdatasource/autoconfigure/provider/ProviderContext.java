package io.github.refreshingdatasource.autoconfigure.provider;

import java.time.Duration;
import java.util.Properties;

import io.github.refreshingdatasource.autoconfigure.CredentialProperties;
import io.github.refreshingdatasource.autoconfigure.RefreshingDataSourceConfigurationException;
import org.jspecify.annotations.Nullable;

/**
 * What a provider may need to know of the DataSource it serves: its name, its common
 * settings, where it connects and as whom by default.
 *
 * @param dataSourceName the DataSource bean name (or migration name, e.g. {@code flyway})
 * @param properties the DataSource's resolved common settings
 * @param jdbcUrl the pool's JDBC URL, if set
 * @param username the username for credentials whose source names none
 * @param dataSourceProperties the pool's driver properties
 */
public record ProviderContext(String dataSourceName, CredentialProperties properties, @Nullable String jdbcUrl,
		@Nullable String username, Properties dataSourceProperties) {

	private static final String PREFIX = "refreshing.datasource.";

	/**
	 * How long one provider call may take ({@code refresh.fetch-timeout}).
	 * @return the fetch timeout
	 */
	public Duration fetchTimeout() {
		return this.properties.getRefresh().getFetchTimeout();
	}

	/**
	 * The full name of a property, as written at the top level.
	 * @param property the property below {@code refreshing.datasource}, e.g.
	 * {@code provider.file.path}
	 * @return e.g. {@code refreshing.datasource.provider.file.path}
	 */
	public static String property(String property) {
		return PREFIX + property;
	}

	/**
	 * The same property for this DataSource only.
	 * @param property the property below {@code refreshing.datasource}
	 * @return e.g. {@code refreshing.datasource.datasources.reporting.provider.file.path}
	 */
	public String perDataSource(String property) {
		return PREFIX + "datasources." + this.dataSourceName + "." + property;
	}

	/**
	 * A settings problem of this DataSource, explained at startup.
	 * @param description what is wrong
	 * @param action what to do
	 * @return the exception to throw
	 */
	public RefreshingDataSourceConfigurationException invalid(String description, String action) {
		return new RefreshingDataSourceConfigurationException("DataSource '" + this.dataSourceName + "': " + description,
				action);
	}

	/**
	 * A required property of a provider is not set.
	 * @param property the property below {@code refreshing.datasource}, e.g.
	 * {@code provider.file.path}
	 * @param problem what is wrong, in a few words
	 * @return the exception to throw
	 */
	public RefreshingDataSourceConfigurationException missing(String property, String problem) {
		return new RefreshingDataSourceConfigurationException(
				"DataSource '" + this.dataSourceName + "': " + problem + ", but " + property(property) + " is not set.",
				"Set " + property(property) + " (or " + perDataSource(property) + " for this DataSource only).");
	}

}
