package io.github.refreshingdatasource.jdbc;

import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.util.ClassUtils;

/**
 * Loads the JDBC driver a pool would have used, so the pool can log in through a
 * {@link RejectionAwareDataSource} around it instead.
 */
final class JdbcDrivers {

	private JdbcDrivers() {
	}

	/**
	 * Load the driver by class name, or the one registered for the URL.
	 * @param jdbcUrl the URL
	 * @param driverClassName the driver class, if configured
	 * @return a driver instance
	 * @throws IllegalStateException when no driver can be loaded
	 */
	static Driver load(String jdbcUrl, @Nullable String driverClassName) {
		try {
			if (driverClassName != null) {
				ClassLoader classLoader = Thread.currentThread().getContextClassLoader();
				Class<?> driverClass = ClassUtils.forName(driverClassName,
						(classLoader != null) ? classLoader : JdbcDrivers.class.getClassLoader());
				return (Driver) BeanUtils.instantiateClass(driverClass);
			}
			return DriverManager.getDriver(jdbcUrl);
		}
		catch (ClassNotFoundException | SQLException | LinkageError | ClassCastException ex) {
			throw new IllegalStateException("cannot load the JDBC driver for " + jdbcUrl + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Copy driver properties without the username and password a pool put there: the
	 * connector adds the cache's credential to every login.
	 * @param properties the pool's driver properties, if any
	 * @return a copy without {@code user} and {@code password}
	 */
	static Properties withoutCredentials(@Nullable Properties properties) {
		Properties copy = new Properties();
		if (properties != null) {
			copy.putAll(properties);
		}
		copy.remove("user");
		copy.remove("password");
		return copy;
	}

}
