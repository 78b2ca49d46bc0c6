package io.github.refreshingdatasource.autoconfigure.provider.file;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * A credential file: plain text (the password) or JSON.
 */
@ConfigurationProperties("refreshing.datasource.provider.file")
public class FileProviderSettings {

	/**
	 * Path of the credential file. Re-read when it changes.
	 */
	private @Nullable Path path;

	/**
	 * JSON field holding the password or token.
	 */
	private String passwordField = "password";

	/**
	 * JSON field holding the username.
	 */
	private String usernameField = "username";

	/**
	 * JSON field holding the expiry: an ISO-8601 instant or epoch seconds.
	 */
	private String expiresAtField = "expires_at";

	public @Nullable Path getPath() {
		return this.path;
	}

	public void setPath(@Nullable Path path) {
		this.path = path;
	}

	public String getPasswordField() {
		return this.passwordField;
	}

	public void setPasswordField(String passwordField) {
		this.passwordField = passwordField;
	}

	public String getUsernameField() {
		return this.usernameField;
	}

	public void setUsernameField(String usernameField) {
		this.usernameField = usernameField;
	}

	public String getExpiresAtField() {
		return this.expiresAtField;
	}

	public void setExpiresAtField(String expiresAtField) {
		this.expiresAtField = expiresAtField;
	}

}
