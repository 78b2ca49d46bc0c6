package io.github.refreshingdatasource.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Tells whether Spring Boot logs a DataSource in with a username and password from a service
 * connection (Docker Compose, Testcontainers): a {@link JdbcConnectionDetails} bean other
 * than the one Boot makes of {@code spring.datasource.*}. Boot applies it to the DataSource
 * bean named {@code dataSource} only, and so does this check. The Boot classes are touched
 * only when spring-boot-jdbc is present.
 */
final class ServiceConnections {

	private static final String JDBC_CONNECTION_DETAILS = "org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails";

	/** Package-private in Boot: what {@code spring.datasource.*} becomes. */
	private static final String PROPERTIES_CONNECTION_DETAILS = "org.springframework.boot.jdbc.autoconfigure.PropertiesJdbcConnectionDetails";

	private ServiceConnections() {
	}

	/**
	 * Return the type of the service connection that supplies the given DataSource's
	 * username and password, if one does.
	 * @param beanFactory the bean factory
	 * @param beanName the DataSource bean name
	 * @return the connection details' class name, or {@code null}
	 */
	static @Nullable String credentialsSupplier(ListableBeanFactory beanFactory, String beanName) {
		if (!"dataSource".equals(beanName)
				|| !ClassUtils.isPresent(JDBC_CONNECTION_DETAILS, ServiceConnections.class.getClassLoader())) {
			return null;
		}
		return Jdbc.credentialsSupplier(beanFactory);
	}

	/** Loaded only when spring-boot-jdbc is on the classpath. */
	private static final class Jdbc {

		static @Nullable String credentialsSupplier(ListableBeanFactory beanFactory) {
			JdbcConnectionDetails details = beanFactory.getBeanProvider(JdbcConnectionDetails.class).getIfUnique();
			if (details == null || PROPERTIES_CONNECTION_DETAILS.equals(details.getClass().getName())
					|| !StringUtils.hasText(details.getPassword())) {
				return null;
			}
			return details.getClass().getName();
		}

	}

}
