package io.github.refreshingdatasource.autoconfigure;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import io.github.refreshingdatasource.autoconfigure.provider.CredentialProviderFactory;
import io.github.refreshingdatasource.autoconfigure.provider.ProviderContext;
import io.github.refreshingdatasource.autoconfigure.provider.ProviderCoordination;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.RefreshSettings;
import io.github.refreshingdatasource.jdbc.RejectionHint;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;

/**
 * Creates the provider of one DataSource from the factory of its {@link ProviderType}, with
 * that provider's settings bound for it (top level, then per bean). Knows no provider: each
 * one's settings, checks and rejection hint live in its own package.
 */
final class CredentialProviders {

	private final CredentialPropertiesResolver resolver;

	private final ObjectProvider<CredentialProviderFactory<?>> factories;

	CredentialProviders(CredentialPropertiesResolver resolver, ObjectProvider<CredentialProviderFactory<?>> factories) {
		this.resolver = resolver;
		this.factories = factories;
	}

	/**
	 * The provider type of one DataSource: the configured one, else {@code bean}. When no
	 * type is set but one provider's settings are, startup fails with a question rather than
	 * a guess: a typo'd or forgotten type must not silently pick a CredentialProvider bean.
	 */
	ProviderType typeOf(String name, CredentialProperties properties) {
		ProviderType type = properties.getProvider().getType();
		if (type != null) {
			return type;
		}
		List<ProviderType> configured = Arrays.stream(ProviderType.values())
			.filter((candidate) -> candidate != ProviderType.BEAN)
			.filter((candidate) -> this.resolver.hasProviderSettings(name, candidate.value()))
			.toList();
		if (configured.isEmpty()) {
			return ProviderType.BEAN;
		}
		String groups = configured.stream()
			.map((candidate) -> "refreshing.datasource.provider." + candidate.value() + ".*")
			.collect(Collectors.joining(", "));
		String suggestion = (configured.size() == 1) ? "Did you mean type: " + configured.get(0).value() + "? Set "
				: "Set ";
		throw new RefreshingDataSourceConfigurationException("DataSource '" + name + "': " + groups
				+ ((configured.size() == 1) ? " is" : " are") + " set, but refreshing.datasource.provider.type is not, "
				+ "so no provider would use " + ((configured.size() == 1) ? "it" : "them") + ".",
				suggestion + "refreshing.datasource.provider.type (or " + CredentialPropertiesResolver.prefixOf(name)
						+ ".provider.type) to one of " + validTypes() + ", and remove the settings of the others.");
	}

	/**
	 * Fail when the provider of this type cannot be created here, typically because its
	 * optional SDK is missing.
	 */
	void requireAvailable(String name, ProviderType type) {
		factory(type, name);
	}

	/**
	 * Create the provider, checking its settings first.
	 */
	CredentialProvider create(String name, ProviderType type, CredentialProperties properties,
			DataSourceDetails details, @Nullable ProviderCoordination coordination) {
		CredentialProviderFactory<?> factory = factory(type, name);
		return create(factory, context(name, properties, details), coordination);
	}

	/**
	 * What makes replicas of this DataSource share one credential source (see
	 * {@link CredentialProviderFactory#fleetIdentity}).
	 */
	String fleetIdentity(String name, ProviderType type, CredentialProperties properties, DataSourceDetails details) {
		return fleetIdentity(factory(type, name), context(name, properties, details));
	}

	private <S> String fleetIdentity(CredentialProviderFactory<S> factory, ProviderContext context) {
		return factory.fleetIdentity(context, settings(factory, context.dataSourceName()));
	}

	private static ProviderContext context(String name, CredentialProperties properties, DataSourceDetails details) {
		return new ProviderContext(name, properties, details.jdbcUrl(), details.username(),
				details.dataSourceProperties());
	}

	/**
	 * The refresh settings of one DataSource, as its provider adjusts the configured ones.
	 */
	RefreshSettings refreshSettings(String name, ProviderType type, RefreshSettings configured) {
		return refreshSettings(factory(type, name), name, configured);
	}

	private <S> RefreshSettings refreshSettings(CredentialProviderFactory<S> factory, String name,
			RefreshSettings configured) {
		return factory.refreshSettings(configured, settings(factory, name));
	}

	/**
	 * What the provider of this type does with pooled connections on rotation unless
	 * {@code on-rotation} is set.
	 */
	OnRotation defaultOnRotation(String name, ProviderType type) {
		return factory(type, name).defaultOnRotation();
	}

	/**
	 * The likely fix of a rejected login of one DataSource, from its provider's package and
	 * knowing where that provider gets credentials.
	 */
	RejectionHint rejectionHint(String name, ProviderType type) {
		return rejectionHint(factory(type, name), name);
	}

	/**
	 * Whether the DataSource's password is a bearer token, held to the TLS rule.
	 */
	boolean bearerToken(String name, ProviderType type) {
		return bearerToken(factory(type, name), name);
	}

	private <S> boolean bearerToken(CredentialProviderFactory<S> factory, String name) {
		return factory.bearerToken(settings(factory, name));
	}

	private <S> CredentialProvider create(CredentialProviderFactory<S> factory, ProviderContext context,
			@Nullable ProviderCoordination coordination) {
		S settings = settings(factory, context.dataSourceName());
		return (coordination != null) ? factory.create(context, settings, coordination)
				: factory.create(context, settings);
	}

	private <S> RejectionHint rejectionHint(CredentialProviderFactory<S> factory, String name) {
		@Nullable String source = factory.credentialSource(settings(factory, name));
		return (username) -> factory.rejectionHint(source, username);
	}

	private <S> S settings(CredentialProviderFactory<S> factory, String name) {
		return this.resolver.bindProviderSettings(name, factory.type().value(), factory.settingsType());
	}

	private CredentialProviderFactory<?> factory(ProviderType type, String name) {
		return this.factories.stream()
			.filter((candidate) -> candidate.type() == type)
			.findFirst()
			.orElseThrow(() -> missingFactory(type, name));
	}

	private static RefreshingDataSourceConfigurationException missingFactory(ProviderType type, String name) {
		if (type.requiredDependency() != null) {
			return new RefreshingDataSourceConfigurationException("DataSource '" + name + "' uses credential provider '"
					+ type.value() + "', but " + type.requiredDependency() + " is not on the classpath.",
					"Add the dependency " + type.requiredDependency() + " to your build, or choose another "
							+ "refreshing.datasource.provider.type (one of " + validTypes() + ").");
		}
		return new RefreshingDataSourceConfigurationException(
				"DataSource '" + name + "' uses credential provider '" + type.value() + "', which is not available.",
				"Set refreshing.datasource.provider.type (or " + CredentialPropertiesResolver.prefixOf(name)
						+ ".provider.type) to one of " + validTypes() + ".");
	}

	/** Every provider type, from the enum: a message never lists a hand-picked few. */
	static String validTypes() {
		return Arrays.stream(ProviderType.values()).map(ProviderType::value).collect(Collectors.joining(", "));
	}

}
