package io.github.refreshingdatasource.autoconfigure.provider.command;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * A program whose standard output is the token, or JSON holding it.
 */
@ConfigurationProperties("refreshing.datasource.provider.command")
public class CommandProviderSettings {

	/**
	 * Program and arguments, for example [sh, -c, "vault read -field=password db/creds/app"].
	 */
	private List<String> command = new ArrayList<>();

	/**
	 * How long the program may run before it is killed.
	 */
	private Duration timeout = Duration.ofSeconds(10);

	/**
	 * JSON field holding the token or password, when the output is JSON.
	 */
	private String tokenField = "token";

	/**
	 * JSON field holding the username, when the output is JSON.
	 */
	private String usernameField = "username";

	/**
	 * JSON field holding the expiry (ISO-8601 instant or epoch seconds), when the output
	 * is JSON.
	 */
	private String expiresAtField = "expires_at";

	/**
	 * Whether the program prints a bearer token (az account get-access-token, aws rds
	 * generate-db-auth-token, gcloud sql generate-login-token), which anyone who sees it can
	 * replay: the connection must then use TLS that verifies the server, as for the token
	 * providers.
	 */
	private boolean bearerToken;

	public boolean isBearerToken() {
		return this.bearerToken;
	}

	public void setBearerToken(boolean bearerToken) {
		this.bearerToken = bearerToken;
	}

	public List<String> getCommand() {
		return this.command;
	}

	public void setCommand(List<String> command) {
		this.command = command;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public String getTokenField() {
		return this.tokenField;
	}

	public void setTokenField(String tokenField) {
		this.tokenField = tokenField;
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
