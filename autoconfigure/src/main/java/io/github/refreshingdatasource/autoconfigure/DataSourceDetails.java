package io.github.refreshingdatasource.autoconfigure;

import java.util.Properties;

import org.jspecify.annotations.Nullable;

/**
 * What a provider may need to know of the DataSource it serves: where it connects, and as
 * whom by default. Token providers sign for a host and user (RDS IAM) or choose a scope by
 * database (Azure).
 *
 * @param jdbcUrl the pool's JDBC URL, if set
 * @param username the username for credentials whose source names none
 * @param dataSourceProperties the pool's driver properties (sslmode and the like may be
 * set here instead of in the URL)
 */
record DataSourceDetails(@Nullable String jdbcUrl, @Nullable String username, Properties dataSourceProperties) {

	static final DataSourceDetails UNKNOWN = new DataSourceDetails(null, null, new Properties());

}
