package io.github.refreshingdatasource.autoconfigure;

import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

import javax.sql.DataSource;

import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.jdbc.RejectionHint;
import io.github.refreshingdatasource.jdbc.Dbcp2CredentialBinding;
import io.github.refreshingdatasource.jdbc.TomcatCredentialBinding;
import io.github.refreshingdatasource.jdbc.UcpCredentialBinding;
import oracle.ucp.jdbc.PoolDataSource;
import org.apache.commons.dbcp2.BasicDataSource;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;

/**
 * The JDBC pools Spring Boot auto-configures ({@code spring.datasource.type}): HikariCP,
 * Tomcat JDBC, Commons DBCP2 and Oracle UCP. Each is looked at only when its library is on
 * the classpath (none is required); each binds through its own library's API.
 */
final class JdbcPools {

	/** What the failure analysis lists as supported. */
	static final String SUPPORTED = "HikariCP (com.zaxxer.hikari.HikariDataSource), Tomcat JDBC "
			+ "(org.apache.tomcat.jdbc.pool.DataSource), Commons DBCP2 (org.apache.commons.dbcp2.BasicDataSource) and "
			+ "Oracle UCP (oracle.ucp.jdbc.PoolDataSource)";

	private static final ClassLoader classLoader = JdbcPools.class.getClassLoader();

	private static final List<Kind> kinds = List.of(
			new Kind("com.zaxxer.hikari.HikariDataSource", () -> HikariJdbcPool::new),
			new Kind("org.apache.tomcat.jdbc.pool.DataSource", () -> TomcatPool::new),
			new Kind("org.apache.commons.dbcp2.BasicDataSource", () -> Dbcp2Pool::new),
			new Kind("oracle.ucp.jdbc.PoolDataSource", () -> UcpPool::new));

	private JdbcPools() {
	}

	/**
	 * Find the pool behind a DataSource, unwrapping proxies.
	 * @param dataSource the DataSource bean
	 * @return the pool, or {@code null} when it is none of these
	 */
	static @Nullable JdbcPool find(DataSource dataSource) {
		for (Kind kind : kinds) {
			if (!ClassUtils.isPresent(kind.className, classLoader)) {
				continue;
			}
			try {
				Class<?> type = ClassUtils.forName(kind.className, classLoader);
				if (type.isInstance(dataSource)) {
					return kind.factory.get().apply(dataSource);
				}
				if (dataSource.isWrapperFor(type)) {
					return kind.factory.get().apply((DataSource) dataSource.unwrap(type));
				}
			}
			catch (ClassNotFoundException | SQLException ex) {
				// Not this kind of pool.
			}
		}
		return null;
	}

	/** Whether the DataSource is, or wraps, a HikariCP pool. */
	static boolean isHikari(DataSource dataSource) {
		return find(dataSource) instanceof HikariJdbcPool;
	}

	private record Kind(String className,
			java.util.function.Supplier<java.util.function.Function<DataSource, JdbcPool>> factory) {
	}

	private record TomcatPool(org.apache.tomcat.jdbc.pool.DataSource target) implements JdbcPool {

		TomcatPool(DataSource dataSource) {
			this((org.apache.tomcat.jdbc.pool.DataSource) dataSource);
		}

		@Override
		public String kind() {
			return "Tomcat JDBC";
		}

		@Override
		public DataSourceDetails details(@Nullable String usernameOverride, ProviderType type, String name) {
			Properties properties = (this.target.getDbProperties() != null) ? this.target.getDbProperties()
					: new Properties();
			return new DataSourceDetails(this.target.getUrl(),
					(usernameOverride != null) ? usernameOverride : this.target.getUsername(), properties);
		}

		@Override
		public AutoCloseable bind(CredentialCache cache, ProviderType type, boolean evictOnRotation,
				RejectionHint hint) {
			TomcatCredentialBinding.bind(this.target, cache, evictOnRotation, hint);
			return () -> {
			};
		}

	}

	private record Dbcp2Pool(BasicDataSource target) implements JdbcPool {

		Dbcp2Pool(DataSource dataSource) {
			this((BasicDataSource) dataSource);
		}

		@Override
		public String kind() {
			return "Commons DBCP2";
		}

		@Override
		public DataSourceDetails details(@Nullable String usernameOverride, ProviderType type, String name) {
			// DBCP2 has no public getter for its connection properties; TLS settings belong in the URL.
			return new DataSourceDetails(this.target.getUrl(),
					(usernameOverride != null) ? usernameOverride : this.target.getUsername(), new Properties());
		}

		@Override
		public AutoCloseable bind(CredentialCache cache, ProviderType type, boolean evictOnRotation,
				RejectionHint hint) {
			Dbcp2CredentialBinding.bind(this.target, cache, evictOnRotation, hint);
			return () -> {
			};
		}

	}

	private record UcpPool(PoolDataSource target) implements JdbcPool {

		UcpPool(DataSource dataSource) {
			this((PoolDataSource) dataSource);
		}

		@Override
		public String kind() {
			return "Oracle UCP";
		}

		@Override
		public DataSourceDetails details(@Nullable String usernameOverride, ProviderType type, String name) {
			Properties properties = (this.target.getConnectionProperties() != null)
					? this.target.getConnectionProperties() : new Properties();
			return new DataSourceDetails(this.target.getURL(),
					(usernameOverride != null) ? usernameOverride : this.target.getUser(), properties);
		}

		@Override
		public AutoCloseable bind(CredentialCache cache, ProviderType type, boolean evictOnRotation,
				RejectionHint hint) {
			return UcpCredentialBinding.bind(this.target, cache, evictOnRotation, hint);
		}

	}

}
