package io.github.refreshingdatasource.credentials;

import java.sql.SQLException;

/**
 * No valid credential could be had for a DataSource: the cached one has expired (or was
 * rejected) and fetching a new one failed or timed out. The message names the DataSource,
 * the provider type and the cause, never a secret.
 */
public class CredentialUnavailableException extends SQLException {

	/** SQLState 08001: the client is unable to establish the connection. */
	static final String SQL_STATE = "08001";

	private final String dataSourceName;

	private final String providerType;

	public CredentialUnavailableException(String dataSourceName, String providerType, String reason, Throwable cause) {
		super("No valid credential for datasource '" + dataSourceName + "' (provider: " + providerType + "): " + reason,
				SQL_STATE, cause);
		this.dataSourceName = dataSourceName;
		this.providerType = providerType;
	}

	public String getDataSourceName() {
		return this.dataSourceName;
	}

	public String getProviderType() {
		return this.providerType;
	}

}
