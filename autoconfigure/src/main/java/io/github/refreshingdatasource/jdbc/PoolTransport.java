package io.github.refreshingdatasource.jdbc;

import java.lang.reflect.Method;
import java.util.Properties;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.PropertyElf;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;

/**
 * Judges the transport of a HikariCP pool however it reaches the driver: a
 * {@code jdbcUrl} with driver properties, a {@code dataSourceClassName} configured by
 * bean properties, or a {@link DataSource} set on it. A pgjdbc DataSource is judged by the
 * URL it builds from all its settings; any other DataSource is {@link TransportSecurity.Level#UNKNOWN}.
 */
public final class PoolTransport {

	private PoolTransport() {
	}

	/**
	 * Judge a pool.
	 * @param pool the pool, not started
	 * @return the verdict
	 */
	public static TransportSecurity.Verdict judge(HikariDataSource pool) {
		if (pool.getJdbcUrl() != null) {
			return TransportSecurity.judge(pool.getJdbcUrl(), pool.getDataSourceProperties());
		}
		if (pool.getDataSource() != null) {
			return judge(pool.getDataSource());
		}
		if (pool.getDataSourceClassName() != null) {
			return judge(pool.getDataSourceClassName(), pool.getDataSourceProperties());
		}
		return TransportSecurity.judge(null, new Properties());
	}

	/**
	 * Judge a DataSource that the pool (or a migration tool) connects through.
	 * @param dataSource the DataSource
	 * @return the verdict
	 */
	public static TransportSecurity.Verdict judge(DataSource dataSource) {
		String url = pgjdbcUrl(dataSource);
		if (url != null) {
			return TransportSecurity.judge(url, new Properties());
		}
		return new TransportSecurity.Verdict(TransportSecurity.Level.UNKNOWN, "its DataSource "
				+ dataSource.getClass().getName() + " is not judged (a pgjdbc DataSource or a jdbcUrl is)", null);
	}

	private static TransportSecurity.Verdict judge(String className, Properties properties) {
		Object instance;
		try {
			// What HikariCP does when the pool starts: the class configured by bean properties.
			instance = ClassUtils.forName(className, PoolTransport.class.getClassLoader())
				.getDeclaredConstructor()
				.newInstance();
			PropertyElf.setTargetFromProperties(instance, properties);
		}
		catch (ReflectiveOperationException | LinkageError | RuntimeException ex) {
			return new TransportSecurity.Verdict(TransportSecurity.Level.UNKNOWN,
					"its dataSourceClassName " + className + " could not be configured to be judged", null);
		}
		if (instance instanceof DataSource dataSource) {
			return judge(dataSource);
		}
		return new TransportSecurity.Verdict(TransportSecurity.Level.UNKNOWN,
				"its dataSourceClassName " + className + " is no DataSource", null);
	}

	/** pgjdbc's DataSources build a URL holding every setting, in pgjdbc's own precedence. */
	private static @Nullable String pgjdbcUrl(DataSource dataSource) {
		if (!dataSource.getClass().getName().startsWith("org.postgresql.")) {
			return null;
		}
		try {
			Method getUrl = dataSource.getClass().getMethod("getUrl");
			Object url = getUrl.invoke(dataSource);
			return (url instanceof String string) ? string : null;
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return null;
		}
	}

}
