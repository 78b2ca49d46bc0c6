package io.github.refreshingdatasource.credentials.provider.azure;

/**
 * The Entra ID scope a database accepts tokens for, by database and cloud.
 */
public final class AzureTokenScope {

	/** Which database service the token is for. */
	public enum Database {

		/** Azure Database for PostgreSQL. */
		POSTGRESQL,

		/** Azure Database for MySQL. */
		MYSQL,

		/** Azure SQL Database and SQL Managed Instance. */
		SQLSERVER

	}

	/** Which Azure cloud. */
	public enum Cloud {

		AZURE("database.windows.net"), AZURE_CHINA("database.chinacloudapi.cn"),
		AZURE_US_GOVERNMENT("database.usgovcloudapi.net");

		private final String databaseSuffix;

		Cloud(String databaseSuffix) {
			this.databaseSuffix = databaseSuffix;
		}

	}

	private AzureTokenScope() {
	}

	/**
	 * The scope for a database in a cloud, e.g.
	 * {@code https://ossrdbms-aad.database.windows.net/.default} for PostgreSQL and MySQL in
	 * the public cloud.
	 * @param database the database service
	 * @param cloud the cloud
	 * @return the scope
	 */
	public static String of(Database database, Cloud cloud) {
		String host = (database == Database.SQLSERVER) ? cloud.databaseSuffix : "ossrdbms-aad." + cloud.databaseSuffix;
		return "https://" + host + "/.default";
	}

}
