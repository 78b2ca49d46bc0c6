package io.github.refreshingdatasource.testsupport;

import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link ScramPostgres} for one test class, started before its first test and closed
 * after its last; tests create the roles they need. Register it as a static field:
 * <pre>
 * &#64;RegisterExtension
 * static final PostgresServer database = new PostgresServer();
 * </pre>
 * @see PostgresLoginRole for a class that needs one role only
 */
public final class PostgresServer implements BeforeAllCallback, AfterAllCallback {

	private @Nullable ScramPostgres server;

	@Override
	public void beforeAll(ExtensionContext context) {
		this.server = ScramPostgres.start();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (this.server != null) {
			this.server.close();
			this.server = null;
		}
	}

	/** The running server. */
	public ScramPostgres server() {
		return Objects.requireNonNull(this.server, "the server starts before the class's first test");
	}

}
