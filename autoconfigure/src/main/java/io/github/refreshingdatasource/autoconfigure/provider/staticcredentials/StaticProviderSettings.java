package io.github.refreshingdatasource.autoconfigure.provider.staticcredentials;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * A fixed username and password.
 */
@ConfigurationProperties("refreshing.datasource.provider.static")
public class StaticProviderSettings {

	/**
	 * Login username.
	 */
	private @Nullable String username;

	/**
	 * Login password.
	 */
	private @Nullable String password;

	public @Nullable String getUsername() {
		return this.username;
	}

	public void setUsername(@Nullable String username) {
		this.username = username;
	}

	public @Nullable String getPassword() {
		return this.password;
	}

	public void setPassword(@Nullable String password) {
		this.password = password;
	}

}
