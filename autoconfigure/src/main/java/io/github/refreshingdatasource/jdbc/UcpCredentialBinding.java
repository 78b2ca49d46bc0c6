package io.github.refreshingdatasource.jdbc;

import java.sql.Driver;
import java.sql.SQLException;
import java.util.Properties;

import javax.sql.DataSource;

import io.github.refreshingdatasource.credentials.CredentialCache;
import oracle.ucp.admin.UniversalConnectionPoolManagerImpl;
import oracle.ucp.jdbc.PoolDataSource;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeanUtils;
import org.springframework.beans.BeanWrapper;
import org.springframework.beans.PropertyAccessorFactory;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.util.ClassUtils;

/**
 * Binds a {@link CredentialCache} to an Oracle UCP pool ({@link PoolDataSource}) before it
 * starts, whatever database it pools. UCP creates its connection factory from a class name
 * ({@code setConnectionFactoryClassName}: a JDBC driver or DataSource class); the binding
 * builds that factory itself, wraps it in a {@link RejectionAwareDataSource}, and points UCP
 * at {@link UcpConnectionFactory}, which opens every physical connection through it with
 * the cache's credential. {@code on-rotation: evict} refreshes the pool through UCP's pool
 * manager ({@code refreshConnectionPool}): available connections are replaced, borrowed ones
 * when they are returned.
 */
public final class UcpCredentialBinding {

	private UcpCredentialBinding() {
	}

	/**
	 * Bind the cache to the pool.
	 * @param pool a pool that has not started
	 * @param cache the cache serving its credentials
	 * @param evictOnRotation whether pooled connections are refreshed when a new credential
	 * arrives
	 * @param hint the likely fix of a rejected login, for this provider
	 * @return unregisters the connection factory; call it when the pool is closed
	 * @throws IllegalStateException when the pool's connection factory cannot be built
	 */
	public static AutoCloseable bind(PoolDataSource pool, CredentialCache cache, boolean evictOnRotation,
			RejectionHint hint) {
		String factoryClassName = pool.getConnectionFactoryClassName();
		if (UcpConnectionFactory.class.getName().equals(factoryClassName)) {
			throw new IllegalStateException("the pool is already bound to rotating credentials");
		}
		RejectionAwareDataSource connector = new RejectionAwareDataSource(target(pool, factoryClassName), cache,
				false, hint);
		String id = UcpConnectionFactory.register(connector);
		try {
			Properties factoryProperties = new Properties();
			factoryProperties.setProperty(UcpConnectionFactory.BINDING_PROPERTY, id);
			pool.setConnectionFactoryClassName(UcpConnectionFactory.class.getName());
			pool.setConnectionFactoryProperties(factoryProperties);
			pool.setPassword(null);
		}
		catch (SQLException ex) {
			UcpConnectionFactory.unregister(id);
			throw new IllegalStateException("UCP refused the connection factory: " + ex.getMessage(), ex);
		}
		if (evictOnRotation) {
			cache.addListener(new RotationEviction(connector, "refreshing the UCP pool",
					() -> UniversalConnectionPoolManagerImpl.getUniversalConnectionPoolManager()
						.refreshConnectionPool(pool.getConnectionPoolName())));
		}
		return () -> UcpConnectionFactory.unregister(id);
	}

	private static DataSource target(PoolDataSource pool, @Nullable String factoryClassName) {
		String url = pool.getURL();
		if (factoryClassName == null) {
			if (url == null) {
				throw new IllegalStateException("it has no connection factory class and no URL");
			}
			return driverDataSource(JdbcDrivers.load(url, null), url, pool.getConnectionProperties());
		}
		Class<?> type;
		try {
			type = ClassUtils.forName(factoryClassName, UcpCredentialBinding.class.getClassLoader());
		}
		catch (ClassNotFoundException | LinkageError ex) {
			throw new IllegalStateException("cannot load its connection factory " + factoryClassName, ex);
		}
		if (Driver.class.isAssignableFrom(type)) {
			if (url == null) {
				throw new IllegalStateException("its connection factory is the driver " + factoryClassName
						+ " but it has no URL");
			}
			return driverDataSource((Driver) BeanUtils.instantiateClass(type), url, pool.getConnectionProperties());
		}
		if (DataSource.class.isAssignableFrom(type)) {
			DataSource dataSource = (DataSource) BeanUtils.instantiateClass(type);
			BeanWrapper properties = PropertyAccessorFactory.forBeanPropertyAccess(dataSource);
			pool.getConnectionFactoryProperties()
				.forEach((name, value) -> properties.setPropertyValue(String.valueOf(name), value));
			if (url != null) {
				for (String name : new String[] { "URL", "url" }) {
					if (properties.isWritableProperty(name)) {
						properties.setPropertyValue(name, url);
						break;
					}
				}
			}
			return dataSource;
		}
		throw new IllegalStateException("its connection factory " + factoryClassName
				+ " is neither a java.sql.Driver nor a javax.sql.DataSource");
	}

	private static DataSource driverDataSource(Driver driver, String url, @Nullable Properties properties) {
		SimpleDriverDataSource dataSource = new SimpleDriverDataSource(driver, url);
		dataSource.setConnectionProperties(JdbcDrivers.withoutCredentials(properties));
		return dataSource;
	}

}
