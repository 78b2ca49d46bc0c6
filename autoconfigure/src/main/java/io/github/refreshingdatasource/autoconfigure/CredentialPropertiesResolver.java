package io.github.refreshingdatasource.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.core.env.Environment;

/**
 * Resolves the settings of one DataSource: binds the top-level
 * {@code refreshing.datasource.*} values, then binds
 * {@code refreshing.datasource.datasources.<bean-name>.*} over them, so a per-bean value
 * replaces exactly the settings it names.
 */
final class CredentialPropertiesResolver {

	static final String PREFIX = "refreshing.datasource";

	private static final ConfigurationPropertyName DATASOURCES = ConfigurationPropertyName.of(PREFIX + ".datasources");

	private final Binder binder;

	private final Iterable<ConfigurationPropertySource> sources;

	CredentialPropertiesResolver(Environment environment) {
		this.binder = Binder.get(environment);
		this.sources = ConfigurationPropertySources.get(environment);
	}

	CredentialProperties resolve(String dataSourceName) {
		CredentialProperties properties = this.binder.bind(PREFIX, Bindable.of(CredentialProperties.class))
			.orElseGet(CredentialProperties::new);
		this.binder.bind(overridesOf(dataSourceName), Bindable.ofInstance(properties));
		return properties;
	}

	/**
	 * Whether any {@code refreshing.datasource.datasources.<bean-name>.*} property is set:
	 * the application asked for this DataSource by name.
	 */
	boolean hasOverrides(String dataSourceName) {
		ConfigurationPropertyName name = overridesOf(dataSourceName);
		for (ConfigurationPropertySource source : this.sources) {
			if (source.containsDescendantOf(name) == ConfigurationPropertyState.PRESENT) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The username set for one DataSource by name, if any, ignoring the top-level one.
	 */
	@Nullable String usernameOverride(String dataSourceName) {
		return this.binder.bind(overridesOf(dataSourceName).append("username"), Bindable.of(String.class)).orElse(null);
	}

	/**
	 * The property as the user set it for this DataSource: the per-bean one when set,
	 * otherwise the top-level one, with its value as written and where it came from.
	 * @param dataSourceName the DataSource bean name
	 * @param property the property below {@code refreshing.datasource}, e.g.
	 * {@code refresh.before-expiry}
	 * @return the property, or {@code null} when neither is set
	 */
	@Nullable ConfigurationProperty find(String dataSourceName, String property) {
		ConfigurationProperty perBean = find(overridesOf(dataSourceName).append(property));
		return (perBean != null) ? perBean : find(ConfigurationPropertyName.of(PREFIX).append(property));
	}

	private @Nullable ConfigurationProperty find(ConfigurationPropertyName name) {
		for (ConfigurationPropertySource source : this.sources) {
			ConfigurationProperty property = source.getConfigurationProperty(name);
			if (property != null) {
				return property;
			}
		}
		return null;
	}

	/**
	 * Bind one provider's settings for one DataSource: the top-level
	 * {@code provider.<type>.*}, then {@code datasources.<bean-name>.provider.<type>.*} over it.
	 */
	<S> S bindProviderSettings(String dataSourceName, String providerKey, Class<S> settingsType) {
		S settings = this.binder.bind(PREFIX + ".provider." + providerKey, Bindable.of(settingsType))
			.orElseGet(() -> BeanUtils.instantiateClass(settingsType));
		this.binder.bind(overridesOf(dataSourceName).append("provider").append(providerKey),
				Bindable.ofInstance(settings));
		return settings;
	}

	/**
	 * Whether any {@code provider.<key>.*} property is set at the top level or for this
	 * DataSource.
	 */
	boolean hasProviderSettings(String dataSourceName, String providerKey) {
		ConfigurationPropertyName topLevel = ConfigurationPropertyName.of(PREFIX + ".provider." + providerKey);
		ConfigurationPropertyName perBean = overridesOf(dataSourceName).append("provider").append(providerKey);
		for (ConfigurationPropertySource source : this.sources) {
			if (source.containsDescendantOf(topLevel) == ConfigurationPropertyState.PRESENT
					|| source.containsDescendantOf(perBean) == ConfigurationPropertyState.PRESENT) {
				return true;
			}
		}
		return false;
	}

	// Bean names such as 'reportingDataSource' are not uniform property names: adapt them.
	private static ConfigurationPropertyName overridesOf(String dataSourceName) {
		return DATASOURCES.append(ConfigurationPropertyName.adapt(dataSourceName, '.'));
	}

	/**
	 * The property prefix of one DataSource's overrides, for messages.
	 */
	static String prefixOf(String dataSourceName) {
		return PREFIX + ".datasources." + dataSourceName;
	}

}
