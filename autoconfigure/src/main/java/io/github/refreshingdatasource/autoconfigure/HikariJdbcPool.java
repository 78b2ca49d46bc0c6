package io.github.refreshingdatasource.autoconfigure;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.jdbc.HikariCredentialBinding;
import io.github.refreshingdatasource.jdbc.PoolTransport;
import io.github.refreshingdatasource.jdbc.RejectionHint;
import io.github.refreshingdatasource.jdbc.TransportSecurity;
import org.jspecify.annotations.Nullable;

/**
 * HikariCP through {@link HikariCredentialBinding}, with Azure SQL's access-token callback
 * when an {@code azure} DataSource connects to SQL Server by URL.
 */
record HikariJdbcPool(HikariDataSource target) implements JdbcPool {

	HikariJdbcPool(DataSource dataSource) {
		this((HikariDataSource) dataSource);
	}

	@Override
	public String kind() {
		return "HikariCP";
	}

	@Override
	public DataSourceDetails details(@Nullable String usernameOverride, ProviderType type, String name) {
		String username = (usernameOverride != null) ? usernameOverride : this.target.getUsername();
		if (username == null && sqlServerAccessToken(type, name)) {
			// The token names the principal; SQL Server takes no username next to it.
			username = SqlServerAccessToken.NO_USERNAME;
		}
		return new DataSourceDetails(this.target.getJdbcUrl(), username, this.target.getDataSourceProperties());
	}

	@Override
	public TransportSecurity.Verdict transport(DataSourceDetails details) {
		return PoolTransport.judge(this.target);
	}

	@Override
	public AutoCloseable bind(CredentialCache cache, ProviderType type, boolean evictOnRotation, RejectionHint hint) {
		if (sqlServerAccessToken(type, cache.getDataSourceName())) {
			SqlServerAccessToken.use(this.target, cache);
		}
		HikariCredentialBinding.bind(this.target, cache, evictOnRotation, hint);
		return () -> {
		};
	}

	@Override
	public String advice() {
		return "Let Spring Boot build the pool, or build it with DataSourceBuilder or new HikariDataSource() "
				+ "(not new HikariDataSource(HikariConfig), which starts it at once)";
	}

	private boolean sqlServerAccessToken(ProviderType type, String name) {
		return type == ProviderType.AZURE && SqlServerAccessToken.applies(this.target, name);
	}

}
