package io.github.refreshingdatasource.autoconfigure;

import java.util.Properties;

import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.jdbc.RejectionHint;
import io.github.refreshingdatasource.r2dbc.R2dbcCredentialBinding;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.r2dbc.ConnectionFactoryDecorator;
import org.springframework.boot.r2dbc.autoconfigure.ConnectionFactoryOptionsBuilderCustomizer;
import org.springframework.core.Ordered;

/**
 * Binds the connection factory Spring Boot builds from {@code spring.r2dbc.*}: as the last
 * options customizer it creates the cache and gives the driver publishers of its
 * credential; as a decorator it wraps the driver's factory (inside Boot's pool, which Boot
 * builds around the decorated factory) so each attempt reads one credential and a rejected
 * one is replaced. A driver whose options take no publisher fails startup.
 */
final class R2dbcCredentialCustomizer implements ConnectionFactoryOptionsBuilderCustomizer, ConnectionFactoryDecorator,
		Ordered {

	/** The name of the bean Spring Boot's R2DBC auto-configuration defines. */
	static final String NAME = "connectionFactory";

	private static final Log logger = LogFactory.getLog(R2dbcCredentialCustomizer.class);

	private final ObjectProvider<DataSourceBinder> binder;

	private volatile @Nullable Bound pending;

	R2dbcCredentialCustomizer(ObjectProvider<DataSourceBinder> binder) {
		this.binder = binder;
	}

	@Override
	public int getOrder() {
		// Last, so the publishers replace whatever user and password others set.
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public void customize(ConnectionFactoryOptions.Builder builder) {
		ConnectionFactoryOptions options = builder.build();
		String driver = R2dbcCredentialBinding.driver(options);
		Object user = options.getValue(ConnectionFactoryOptions.USER);
		Binding binding = this.binder.getObject().bindConnectionFactory(NAME,
				(usernameOverride) -> details(options, (usernameOverride != null) ? usernameOverride
						: (user instanceof CharSequence name) ? name.toString() : null),
				(bound, properties, hint) -> {
					if (!R2dbcCredentialBinding.canRotate(driver)) {
						throw BindingFailures.driverCannotRotate(NAME, driver);
					}
					if (properties.getOnRotation() == OnRotation.EVICT) {
						logger.warn("ConnectionFactory '" + NAME + "': on-rotation=evict has no effect on R2DBC "
								+ "(r2dbc-pool cannot retire connections on demand); set spring.r2dbc.pool.max-life-time "
								+ "to bound how long a connection keeps an old login");
					}
					R2dbcCredentialBinding.configure(builder, bound);
					this.pending = new Bound(bound, hint);
					return () -> {
					};
				});
		if (binding == null) {
			this.pending = null;
		}
	}

	@Override
	public ConnectionFactory decorate(ConnectionFactory delegate) {
		Bound bound = this.pending;
		this.pending = null;
		return (bound != null) ? R2dbcCredentialBinding.decorate(delegate, bound.cache, bound.hint)
				: delegate;
	}

	/**
	 * The JDBC form of the R2DBC target, so providers that sign for a host (RDS IAM) and the
	 * TLS check for bearer tokens read it as they read a JDBC URL.
	 */
	private static DataSourceDetails details(ConnectionFactoryOptions options, @Nullable String username) {
		Object host = options.getValue(ConnectionFactoryOptions.HOST);
		Object port = options.getValue(ConnectionFactoryOptions.PORT);
		Object database = options.getValue(ConnectionFactoryOptions.DATABASE);
		Properties properties = new Properties();
		Object sslMode = options.getValue(io.r2dbc.spi.Option.valueOf("sslMode"));
		if (sslMode != null) {
			properties.setProperty("sslmode", sslMode.toString().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
		}
		String url = (host != null) ? "jdbc:" + R2dbcCredentialBinding.driver(options) + "://" + host
				+ ((port != null) ? ":" + port : "") + "/" + ((database != null) ? database : "") : null;
		return new DataSourceDetails(url, username, properties);
	}

	private record Bound(CredentialCache cache, RejectionHint hint) {
	}

}
