package io.github.refreshingdatasource.autoconfigure;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.jdbc.JdbcUrl;
import io.github.refreshingdatasource.jdbc.SqlServerAccessTokenDataSource;

import org.springframework.util.ClassUtils;

/**
 * Azure SQL takes an Entra token through mssql-jdbc's access-token callback rather than the
 * password: for an {@code azure} DataSource with a {@code jdbc:sqlserver:} URL, the pool
 * connects through a {@link SqlServerAccessTokenDataSource}.
 */
final class SqlServerAccessToken {

	/** Stands for the username a token login does not have; never sent to the server. */
	static final String NO_USERNAME = "(access token)";

	private static final String CALLBACK = "com.microsoft.sqlserver.jdbc.SQLServerAccessTokenCallback";

	private SqlServerAccessToken() {
	}

	/**
	 * Whether the pool must connect through the access-token callback.
	 * @throws RefreshingDataSourceConfigurationException when it must, but mssql-jdbc has
	 * no callback
	 */
	static boolean applies(HikariDataSource hikari, String beanName) {
		boolean applies = hikari.getDataSource() == null && hikari.getDataSourceClassName() == null
				&& JdbcUrl.parse(hikari.getJdbcUrl()).vendor() == JdbcUrl.Vendor.SQLSERVER;
		if (applies && !ClassUtils.isPresent(CALLBACK, SqlServerAccessToken.class.getClassLoader())) {
			throw new RefreshingDataSourceConfigurationException("DataSource '" + beanName
					+ "' connects to SQL Server with an Entra token, which needs mssql-jdbc 12.4 or later (its "
					+ "access-token callback), but " + CALLBACK + " is not on the classpath.",
					"Use com.microsoft.sqlserver:mssql-jdbc 12.4 or later.");
		}
		return applies;
	}

	static void use(HikariDataSource hikari, CredentialCache cache) {
		hikari.setDataSource(
				SqlServerAccessTokenDataSource.create(hikari.getJdbcUrl(), hikari.getDataSourceProperties(), cache));
	}

}
