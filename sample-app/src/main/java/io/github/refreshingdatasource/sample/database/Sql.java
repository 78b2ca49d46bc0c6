package io.github.refreshingdatasource.sample.database;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;

import org.postgresql.util.PasswordUtil;

/**
 * Small SQL helpers for administrative statements.
 */
final class Sql {

	private static final SecureRandom random = new SecureRandom();

	private Sql() {
	}

	/**
	 * Quote identifiers ({@code %I}) and literals ({@code %L}) with the server's own
	 * {@code format()}, then run the result.
	 */
	static void execute(Connection connection, String template, String... arguments) throws SQLException {
		String sql;
		try (PreparedStatement format = connection
			.prepareStatement("SELECT format(?" + ", ?".repeat(arguments.length) + ")")) {
			format.setString(1, template);
			for (int i = 0; i < arguments.length; i++) {
				format.setString(i + 2, arguments[i]);
			}
			try (ResultSet result = format.executeQuery()) {
				result.next();
				sql = result.getString(1);
			}
		}
		try (Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	/**
	 * The SCRAM-SHA-256 verifier of a password, which is all the server is ever sent: not
	 * even a failing statement echoed into a log can show the password.
	 */
	static String scramVerifier(String password) {
		return PasswordUtil.encodeScramSha256(password.toCharArray());
	}

	/**
	 * A random secret of 24 URL-safe characters (144 bits).
	 */
	static String randomSecret() {
		byte[] bytes = new byte[18];
		random.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

}
