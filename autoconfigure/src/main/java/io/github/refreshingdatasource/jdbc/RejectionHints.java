package io.github.refreshingdatasource.jdbc;

import org.jspecify.annotations.Nullable;

/**
 * The likely fix of a rejected login, by provider type: what an operator checks first when
 * the database refuses what that kind of source returned. Keyed by the type's string so a
 * provider added later needs only a line here.
 */
final class RejectionHints {

	private RejectionHints() {
	}

	/**
	 * Return the likely fix.
	 * @param providerType the provider type, e.g. {@code file} or {@code azure}
	 * @param source where the credential comes from (a file path, a program, a bean name),
	 * or {@code null} when the type says it all
	 * @param username the username the login used
	 * @return one or two sentences, never a secret
	 */
	static String hint(String providerType, @Nullable String source, @Nullable String username) {
		String user = (username != null) ? "'" + username + "'" : "the configured user";
		String role = (username != null) ? username : "<user>";
		return switch (providerType) {
			case "file" -> "Check that the credential file " + orUnknown(source)
					+ " holds the current password of " + user
					+ ": is the process that writes it (Vault Agent, the secret mount, the rotator) up to date, "
					+ "and was the role's password changed outside it?";
			case "command" -> "Run " + orUnknown(source) + " by hand, as the application's user, and check that "
					+ "what it prints logs in as " + user + ".";
			case "azure" -> "Map the Microsoft Entra identity to the database role: the server's Entra admin creates "
					+ "the role for it (PostgreSQL: SELECT * FROM pgaadauth_create_principal('" + role
					+ "', false, false)); the username must be the identity's name, and the token's audience the "
					+ "database (https://ossrdbms-aad.database.windows.net).";
			case "aws-rds-iam" -> "Grant IAM login to the user (PostgreSQL: GRANT rds_iam TO " + role
					+ "; MySQL: IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'), connect with SSL (sslmode=require), "
					+ "and check that the IAM policy allows rds-db:connect for this user and that the token was "
					+ "generated for this host, port and user.";
			case "gcp-cloudsql-iam" -> "Add the principal as a Cloud SQL IAM database user (gcloud sql users create "
					+ role + " --type=cloud_iam_service_account), grant it roles/cloudsql.instanceUser, turn on the "
					+ "cloudsql.iam_authentication flag, and check the username: for PostgreSQL the service account email "
					+ "without .gserviceaccount.com, for MySQL the part before @.";
			case "aws-secrets-manager" -> "Check that the secret " + orUnknown(source) + " holds the current password "
					+ "of " + user + ": did its rotation finish (AWSCURRENT moved to the new version after the "
					+ "database accepted it), and was the password changed outside the rotation?";
			case "oauth2" -> "Check that the database accepts tokens of this issuer and audience, and that the "
					+ "token's subject is mapped to role " + user + ".";
			case "bean" -> "Check the CredentialProvider bean" + ((source != null) ? " '" + source + "'" : "")
					+ ": the database does not accept what it returned for " + user + ".";
			case "static" -> "refreshing.datasource.provider.static.username/password do not match a role that may log "
					+ "in; correct them (static credentials are meant for development).";
			default -> "Check that the credential source (provider " + providerType + ") returns the current "
					+ "credential of " + user + ".";
		};
	}

	private static String orUnknown(@Nullable String source) {
		return (source != null) ? source : "(not known)";
	}

}
