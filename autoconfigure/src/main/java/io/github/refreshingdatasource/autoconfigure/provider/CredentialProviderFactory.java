package io.github.refreshingdatasource.autoconfigure.provider;

import io.github.refreshingdatasource.autoconfigure.OnRotation;
import io.github.refreshingdatasource.autoconfigure.ProviderType;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.RefreshSettings;
import org.jspecify.annotations.Nullable;

/**
 * Everything the starter needs from one provider type, implemented once in that
 * provider's package: its settings class, how to build the provider of one DataSource,
 * and what to check first when the database rejects what it returned. One bean per
 * available type, registered by that type's configuration class (see
 * {@link ProviderType}).
 *
 * @param <S> the settings class, bound from
 * {@code refreshing.datasource.provider.<type>.*} and then, per DataSource, from
 * {@code refreshing.datasource.datasources.<bean-name>.provider.<type>.*}
 */
public interface CredentialProviderFactory<S> {

	/**
	 * The type this factory serves.
	 * @return the provider type
	 */
	ProviderType type();

	/**
	 * The settings class, a JavaBean with a public no-argument constructor, bound below
	 * {@code refreshing.datasource.provider.<type>}.
	 * @return the settings class
	 */
	Class<S> settingsType();

	/**
	 * Create the provider of one DataSource, checking its settings first.
	 * @param context the DataSource and its common settings
	 * @param settings this provider's settings for that DataSource
	 * @return the provider
	 * @throws io.github.refreshingdatasource.autoconfigure.RefreshingDataSourceConfigurationException
	 * when the settings cannot work
	 */
	CredentialProvider create(ProviderContext context, S settings);

	/**
	 * Whether the password this provider hands out is a bearer token, which anyone who sees
	 * it can use until it expires: such DataSources are held to the TLS rule.
	 * @param settings the provider's settings for the DataSource
	 * @return by default what the {@link #type()} says
	 */
	default boolean bearerToken(S settings) {
		return type().bearerToken();
	}

	/**
	 * The refresh settings of one DataSource's cache: the configured ones, unless this kind
	 * of source needs its own (a secret without expiry, read on an interval sized for a
	 * billed API).
	 * @param configured the checked {@code refresh.*} settings
	 * @param settings the DataSource's settings of this provider
	 * @return the settings the cache uses
	 */
	default RefreshSettings refreshSettings(RefreshSettings configured, S settings) {
		return configured;
	}

	/**
	 * What happens to pooled connections when a new credential arrives, unless
	 * {@code on-rotation} is set.
	 * @return {@link OnRotation#KEEP} unless the provider's credentials stop working for
	 * open sessions too
	 */
	default OnRotation defaultOnRotation() {
		return OnRotation.KEEP;
	}

	/**
	 * Where the provider gets credentials (a file, a program without its arguments, a bean
	 * name), named in the likely fix of a rejected login. Never a secret.
	 * @param settings the DataSource's settings of this provider
	 * @return the source, or {@code null} when the type says it all
	 */
	default @Nullable String credentialSource(S settings) {
		return null;
	}

	/**
	 * Create the provider of one DataSource whose replicas coordinate. Providers with
	 * state of their own to share (a rotating refresh token) override it; the others are
	 * created as usual, and the fleet shares what they return.
	 * @param context the DataSource and its common settings
	 * @param settings this provider's settings for that DataSource
	 * @param coordination the fleet's stores
	 * @return the provider
	 */
	default CredentialProvider create(ProviderContext context, S settings, ProviderCoordination coordination) {
		return create(context, settings);
	}

	/**
	 * What makes two DataSources, in this process or in other replicas, use one credential
	 * source: replicas whose identities are equal share a credential, a refresh-token chain
	 * and a lockout guard. It is hashed before use, but should hold no secret. The default
	 * is the provider type, {@link #credentialSource} and the DataSource's JDBC URL and
	 * username.
	 * @param context the DataSource
	 * @param settings the DataSource's settings of this provider
	 * @return the identity
	 */
	default String fleetIdentity(ProviderContext context, S settings) {
		return type().value() + "\n" + credentialSource(settings) + "\n" + context.jdbcUrl() + "\n"
				+ context.username();
	}

	/**
	 * The likely fix of a rejected login: what an operator checks first when the database
	 * refuses what this kind of source returned. Never a secret.
	 * @param source what {@link #credentialSource} returned
	 * @param username the username the login used, if known
	 * @return one or two sentences
	 */
	String rejectionHint(@Nullable String source, @Nullable String username);

}
