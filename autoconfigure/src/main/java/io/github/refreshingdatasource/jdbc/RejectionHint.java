package io.github.refreshingdatasource.jdbc;

import org.jspecify.annotations.Nullable;

/**
 * The likely fix of a rejected login: what an operator checks first when the database
 * refuses what one DataSource's credential source returned. Supplied by that provider's
 * package, already knowing where the source is (a file, a program, a bean).
 */
@FunctionalInterface
public interface RejectionHint {

	/**
	 * Return the likely fix.
	 * @param username the username the login used, if known
	 * @return one or two sentences, never a secret
	 */
	String likelyFix(@Nullable String username);

	/**
	 * The hint for a source this binding knows nothing about.
	 * @param providerType the provider type, e.g. {@code file}
	 * @return a hint that names the provider type and the user
	 */
	static RejectionHint generic(String providerType) {
		return (username) -> "Check that the credential source (provider " + providerType
				+ ") returns the current credential of " + ((username != null) ? "'" + username + "'" : "the configured user")
				+ ".";
	}

}
