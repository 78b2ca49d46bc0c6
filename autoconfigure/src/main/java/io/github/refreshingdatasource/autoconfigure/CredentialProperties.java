package io.github.refreshingdatasource.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * Credential settings of one DataSource: the top-level {@code refreshing.datasource.*}
 * values, overridden per bean by {@code refreshing.datasource.datasources.<bean-name>.*}.
 */
public class CredentialProperties {

	/**
	 * Whether to bind rotating credentials to this DataSource.
	 */
	private boolean enabled = true;

	/**
	 * Username for credentials whose source does not name one (a token, a plain-text
	 * password file). Defaults to spring.datasource.username.
	 */
	private @Nullable String username;

	/**
	 * What to do with pooled connections when a new credential arrives. Defaults to the
	 * provider's choice: keep, except evict for vault (whose old users are dropped).
	 */
	private @Nullable OnRotation onRotation;

	/**
	 * Whether a provider whose token is the password (azure, aws-rds-iam, oauth2) may send
	 * it over a connection without TLS (a JDBC URL that turns TLS off or leaves it
	 * optional) or fetch it from a token endpoint over plain HTTP. Only for a database on
	 * the same host, such as a local test database.
	 */
	private boolean allowInsecureTransport;

	/**
	 * Whether startup waits for the first credential (at most fetch-timeout times the
	 * retry attempts) and opens one login with it, failing when either fails. Off, a
	 * wrong provider setting or a refused login surfaces at the first query.
	 */
	private boolean failFast;

	private final Provider provider = new Provider();

	/**
	 * When credentials are refreshed and how failed fetches are retried.
	 */
	@NestedConfigurationProperty
	private final RefreshProperties refresh = new RefreshProperties();

	/**
	 * How replicas of the application share one credential life: none, Redis or JDBC.
	 */
	@NestedConfigurationProperty
	private final CoordinationProperties coordination = new CoordinationProperties();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getUsername() {
		return this.username;
	}

	public void setUsername(@Nullable String username) {
		this.username = username;
	}

	public @Nullable OnRotation getOnRotation() {
		return this.onRotation;
	}

	public void setOnRotation(@Nullable OnRotation onRotation) {
		this.onRotation = onRotation;
	}

	public boolean isAllowInsecureTransport() {
		return this.allowInsecureTransport;
	}

	public void setAllowInsecureTransport(boolean allowInsecureTransport) {
		this.allowInsecureTransport = allowInsecureTransport;
	}

	public boolean isFailFast() {
		return this.failFast;
	}

	public void setFailFast(boolean failFast) {
		this.failFast = failFast;
	}

	public Provider getProvider() {
		return this.provider;
	}

	public RefreshProperties getRefresh() {
		return this.refresh;
	}

	public CoordinationProperties getCoordination() {
		return this.coordination;
	}

	/**
	 * Where credentials come from. Each provider's own settings
	 * ({@code provider.<type>.*}) are bound by that provider's package.
	 */
	public static class Provider {

		/**
		 * Credential provider type. When not set, the single CredentialProvider bean of the
		 * application, if there is exactly one.
		 */
		private @Nullable ProviderType type;

		public @Nullable ProviderType getType() {
			return this.type;
		}

		public void setType(@Nullable ProviderType type) {
			this.type = type;
		}

	}

}
