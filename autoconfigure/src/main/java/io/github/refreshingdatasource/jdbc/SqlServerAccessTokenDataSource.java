package io.github.refreshingdatasource.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Properties;

import com.microsoft.sqlserver.jdbc.SQLServerAccessTokenCallback;
import com.microsoft.sqlserver.jdbc.SQLServerDataSource;
import com.microsoft.sqlserver.jdbc.SqlAuthenticationToken;
import com.zaxxer.hikari.util.PropertyElf;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialUnavailableException;
import io.github.refreshingdatasource.credentials.DbCredential;

import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Opens SQL Server connections with a Microsoft Entra access token the way mssql-jdbc
 * wants it: through its access-token callback (mssql-jdbc 12.4 and later), not as the
 * password. The callback answers with the cache's current token and expiry, so a new
 * connection, and the driver's own reconnect of a broken idle one, makes no call to Entra
 * ID.
 * <p>
 * The pool still hands a username and the token to {@link #getConnection(String, String)}
 * (that is how the binding detects rejected credentials); both are dropped here, since the
 * driver refuses a user or password next to an access token.
 */
public final class SqlServerAccessTokenDataSource extends DelegatingDataSource {

	private SqlServerAccessTokenDataSource(SQLServerDataSource target) {
		super(target);
	}

	/**
	 * Create a data source for the URL whose connections take their token from the cache.
	 * @param jdbcUrl the {@code jdbc:sqlserver:} URL
	 * @param dataSourceProperties driver properties, applied as HikariCP would
	 * @param cache the cache of the Azure provider
	 * @return the data source
	 */
	public static SqlServerAccessTokenDataSource create(String jdbcUrl, Properties dataSourceProperties,
			CredentialCache cache) {
		SQLServerDataSource target = new SQLServerDataSource();
		target.setURL(jdbcUrl);
		PropertyElf.setTargetFromProperties(target, dataSourceProperties);
		target.setAccessTokenCallback(new CacheCallback(cache));
		return new SqlServerAccessTokenDataSource(target);
	}

	@Override
	public Connection getConnection(String username, String token) throws SQLException {
		return getTargetDataSource().getConnection();
	}

	/** Answers the driver with the cache's current token. */
	static final class CacheCallback implements SQLServerAccessTokenCallback {

		private final CredentialCache cache;

		CacheCallback(CredentialCache cache) {
			this.cache = cache;
		}

		@Override
		public SqlAuthenticationToken getAccessToken(String spn, String stsurl) {
			DbCredential credential;
			try {
				credential = this.cache.get();
			}
			catch (CredentialUnavailableException ex) {
				// The driver wraps it into the login failure the pool reports.
				throw new IllegalStateException(ex.getMessage(), ex);
			}
			Instant expiresAt = (credential.expiresAt() != null) ? credential.expiresAt() : Instant.now().plusSeconds(60);
			return new SqlAuthenticationToken(credential.secret(), expiresAt.toEpochMilli());
		}

		@Override
		public String toString() {
			return "CacheCallback[" + this.cache.getDataSourceName() + "]";
		}

	}

}
