package io.github.refreshingdatasource.testsupport;

import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link ScramPostgres} for one test class with one login role of a random password:
 * started before the class's first test, closed after its last. Register it as a static
 * field so every test of the class shares the server:
 * <pre>
 * &#64;RegisterExtension
 * static final PostgresLoginRole database = new PostgresLoginRole("tenant_user");
 * </pre>
 */
public final class PostgresLoginRole implements BeforeAllCallback, AfterAllCallback {

	private final String role;

	private final PostgresServer server = new PostgresServer();

	private @Nullable String password;

	/**
	 * @param role the login role to create once the server runs
	 */
	public PostgresLoginRole(String role) {
		this.role = role;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		this.server.beforeAll(context);
		this.password = ScramPostgres.randomPassword();
		this.server.server().createLoginRole(this.role, this.password);
	}

	@Override
	public void afterAll(ExtensionContext context) {
		this.server.afterAll(context);
	}

	/** The running server. */
	public ScramPostgres server() {
		return this.server.server();
	}

	/** The login role's name. */
	public String role() {
		return this.role;
	}

	/** The login role's password, random per test class. */
	public String password() {
		return Objects.requireNonNull(this.password, "the role is created before the class's first test");
	}

	/** The server's JDBC URL. */
	public String jdbcUrl() {
		return server().jdbcUrl();
	}

}
