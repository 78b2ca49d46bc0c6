package io.github.refreshingdatasource.pools;

import java.util.List;

import javax.sql.DataSource;

import oracle.ucp.admin.UniversalConnectionPoolManagerImpl;
import oracle.ucp.jdbc.PoolDataSource;
import org.apache.commons.dbcp2.BasicDataSource;

/**
 * The pools Spring Boot builds besides HikariCP, as the tests configure them: eight
 * connections, a five-second borrow timeout, and each pool's own way to retire its
 * connections.
 */
enum JdbcPool {

	TOMCAT("org.apache.tomcat.jdbc.pool.DataSource", "spring.datasource.tomcat.max-active=8",
			"spring.datasource.tomcat.max-idle=8", "spring.datasource.tomcat.initial-size=0",
			"spring.datasource.tomcat.max-wait=5000") {
		@Override
		void evict(DataSource dataSource) {
			((org.apache.tomcat.jdbc.pool.DataSource) dataSource).purge();
		}
	},

	// DBCP2 cannot mark connections in use for retirement: its own max-conn-lifetime retires them.
	DBCP2("org.apache.commons.dbcp2.BasicDataSource", "spring.datasource.dbcp2.max-total=8",
			"spring.datasource.dbcp2.max-wait-millis=5000", "spring.datasource.dbcp2.max-conn-lifetime-millis=3000") {
		@Override
		void evict(DataSource dataSource) {
			((BasicDataSource) dataSource).getConnectionPool().clear();
		}
	},

	UCP("oracle.ucp.jdbc.PoolDataSource", "spring.datasource.oracleucp.max-pool-size=8",
			"spring.datasource.oracleucp.initial-pool-size=0", "spring.datasource.oracleucp.min-pool-size=0",
			"spring.datasource.oracleucp.connection-wait-timeout=5") {
		@Override
		void evict(DataSource dataSource) throws Exception {
			UniversalConnectionPoolManagerImpl.getUniversalConnectionPoolManager()
				.refreshConnectionPool(((PoolDataSource) dataSource).getConnectionPoolName());
		}
	};

	private final String type;

	private final List<String> properties;

	JdbcPool(String type, String... properties) {
		this.type = type;
		this.properties = List.of(properties);
	}

	/**
	 * The properties that make Spring Boot build this pool.
	 * @return {@code spring.datasource.type} and the pool's sizing
	 */
	String[] properties() {
		String[] all = new String[this.properties.size() + 1];
		all[0] = "spring.datasource.type=" + this.type;
		for (int i = 0; i < this.properties.size(); i++) {
			all[i + 1] = this.properties.get(i);
		}
		return all;
	}

	abstract void evict(DataSource dataSource) throws Exception;

}
