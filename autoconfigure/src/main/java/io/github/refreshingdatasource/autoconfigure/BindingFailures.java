package io.github.refreshingdatasource.autoconfigure;

import javax.sql.DataSource;

import io.github.refreshingdatasource.jdbc.TransportSecurity;

/**
 * Every message with which binding a DataSource or connection factory fails startup, in one
 * place, so each names the DataSource, says what is wrong and which property to change in
 * the same words.
 */
final class BindingFailures {

	private BindingFailures() {
	}

	static RefreshingDataSourceConfigurationException unsupported(DataSource dataSource, String name) {
		return new RefreshingDataSourceConfigurationException(
				"DataSource '" + name + "' of type " + dataSource.getClass().getName()
						+ " cannot be bound to rotating credentials: only " + JdbcPools.SUPPORTED + " are supported.",
				"Use one of these pools for this DataSource (spring.datasource.type), or " + exclude(name) + ".");
	}

	static RefreshingDataSourceConfigurationException cannotBind(String name, String pool, String advice,
			IllegalStateException ex) {
		return new RefreshingDataSourceConfigurationException("DataSource '" + name + "' (" + pool
				+ ") could not be bound to rotating credentials: " + ex.getMessage() + ".",
				advice + ", or " + exclude(name) + ".", ex);
	}

	static RefreshingDataSourceConfigurationException driverCannotRotate(String name, String driver) {
		return new RefreshingDataSourceConfigurationException("ConnectionFactory '" + name
				+ "' uses the R2DBC driver '" + driver + "', whose user and password options take no "
				+ "Supplier or Publisher: its credentials cannot rotate.",
				"Use r2dbc-postgresql (driver 'postgresql'), or " + exclude(name) + ".");
	}

	/** The token sent as a password over a connection that does not require TLS. */
	static RefreshingDataSourceConfigurationException insecureTransport(String name, String provider,
			TransportSecurity.Verdict verdict) {
		return new RefreshingDataSourceConfigurationException(
				token(name, provider) + ", but its connection does not require TLS: " + verdict.reason() + ".",
				"Require TLS that verifies the server: " + verdict.recommendation() + " (PostgreSQL "
						+ "sslmode=verify-full, MySQL sslMode=VERIFY_IDENTITY, MariaDB sslMode=verify-full, SQL "
						+ "Server encrypt=strict or encrypt=true with certificate validation), or, for a database "
						+ "on the same host only, set " + allowInsecure(name) + ".");
	}

	static RefreshingDataSourceConfigurationException unknownTransport(String name, String provider,
			TransportSecurity.Verdict verdict) {
		return new RefreshingDataSourceConfigurationException(
				token(name, provider) + ", and whether its connection uses TLS cannot be judged: " + verdict.reason()
						+ ".",
				"Configure the pool with a jdbcUrl of PostgreSQL, MySQL, MariaDB or SQL Server that requires TLS "
						+ "verifying the server, or, once you have made sure the connection is protected, set "
						+ allowInsecure(name) + ".");
	}

	/** Logged at WARN, once: TLS that does not check who answers. */
	static String unverifiedTransport(String name, String provider, TransportSecurity.Verdict verdict) {
		return token(name, provider) + ", over TLS that does not verify the server: " + verdict.reason()
				+ ". An active man in the middle can take the token; set " + verdict.recommendation() + ".";
	}

	/**
	 * Fail-fast startup: no credential could be fetched, or the first login with it failed.
	 * @param name the DataSource
	 * @param provider the provider type
	 * @param what what failed, e.g. {@code no credential could be fetched}
	 * @param reason the failure's message, already redacted
	 * @param cause the failure (its chain is sanitized by the engine)
	 */
	static RefreshingDataSourceConfigurationException failFast(String name, String provider, String what,
			String reason, Throwable cause) {
		return new RefreshingDataSourceConfigurationException(
				"DataSource '" + name + "' (provider " + provider + ") failed its start-up check (fail-fast): "
						+ what + ".\n\nReason: " + reason,
				"Fix the provider's settings (" + CredentialPropertiesResolver.prefixOf(name) + ".provider.*) or the "
						+ "database login, or set " + CredentialPropertiesResolver.prefixOf(name)
						+ ".fail-fast=false (or refreshing.datasource.fail-fast=false) to start anyway and fail at "
						+ "the first query instead.",
				cause);
	}

	/** Logged at INFO when a service connection keeps a DataSource. */
	static String leftToServiceConnection(String kind, String name, String serviceConnection) {
		return kind + " '" + name + "' logs in with the username and password of a service connection ("
				+ serviceConnection + "); rotating credentials leave it alone. Set "
				+ CredentialPropertiesResolver.prefixOf(name) + ".enabled=true to bind it anyway.";
	}

	private static String token(String name, String provider) {
		return "DataSource '" + name + "' uses the " + provider + " provider, whose token is sent to the "
				+ "database as the password";
	}

	private static String allowInsecure(String name) {
		return "refreshing.datasource.allow-insecure-transport=true (or " + CredentialPropertiesResolver.prefixOf(name)
				+ ".allow-insecure-transport=true)";
	}

	private static String exclude(String name) {
		return "set " + CredentialPropertiesResolver.prefixOf(name) + ".enabled=false to leave it alone";
	}

}
