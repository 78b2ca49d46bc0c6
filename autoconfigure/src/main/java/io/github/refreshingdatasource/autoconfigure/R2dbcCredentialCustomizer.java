package io.github.refreshingdatasource.autoconfigure;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
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
import org.springframework.beans.factory.config.DestructionAwareBeanPostProcessor;
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

	private volatile @Nullable Binding decorated;

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
		this.pending = bindOptions(this.binder.getObject(), NAME, builder);
	}

	@Override
	public ConnectionFactory decorate(ConnectionFactory delegate) {
		Bound bound = this.pending;
		this.pending = null;
		if (bound == null) {
			return delegate;
		}
		this.decorated = bound.binding();
		return R2dbcCredentialBinding.decorate(delegate, bound.cache(), bound.hint());
	}

	/** The binding the last decorated factory uses, handed over once to its bean. */
	private @Nullable Binding takeDecorated() {
		Binding binding = this.decorated;
		this.decorated = null;
		return binding;
	}

	/**
	 * Bind the options of a connection factory under a name: create, register and start its
	 * cache and give the driver publishers of its credential.
	 * @return the cache and how to decorate the driver's factory, or {@code null} when the
	 * name is excluded
	 * @throws RefreshingDataSourceConfigurationException when the driver cannot rotate
	 * credentials or a setting cannot work
	 */
	static @Nullable Bound bindOptions(DataSourceBinder binder, String name, ConnectionFactoryOptions.Builder builder) {
		ConnectionFactoryOptions options = builder.build();
		String driver = R2dbcCredentialBinding.driver(options);
		Object user = options.getValue(ConnectionFactoryOptions.USER);
		RejectionHint[] hintOf = new RejectionHint[1];
		Binding binding = binder.bindConnectionFactory(name,
				(usernameOverride) -> details(options, (usernameOverride != null) ? usernameOverride
						: (user instanceof CharSequence username) ? username.toString() : null),
				(bound, properties, hint) -> {
					if (!R2dbcCredentialBinding.canRotate(driver)) {
						throw BindingFailures.driverCannotRotate(name, driver);
					}
					if (properties.getOnRotation() == OnRotation.EVICT) {
						logger.warn("ConnectionFactory '" + name + "': on-rotation=evict has no effect on R2DBC "
								+ "(r2dbc-pool cannot retire connections on demand); set the pool's max life time "
								+ "to bound how long a connection keeps an old login");
					}
					R2dbcCredentialBinding.configure(builder, bound);
					hintOf[0] = hint;
					return () -> {
					};
				});
		return (binding != null) ? new Bound(binding, binding.cache(), hintOf[0]) : null;
	}

	/**
	 * The JDBC form of the R2DBC target, so providers that sign for a host (RDS IAM) and the
	 * TLS check for bearer tokens read it as they read a JDBC URL.
	 */
	static DataSourceDetails details(ConnectionFactoryOptions options, @Nullable String username) {
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

	record Bound(Binding binding, CredentialCache cache, RejectionHint hint) {
	}

	/**
	 * Ties the cache to the {@code connectionFactory} bean: when the bean is destroyed
	 * (refresh scope, a child context, context close) its cache is unregistered and closed,
	 * so a bean re-created under the name binds again. Boot disposes the pool itself.
	 */
	static final class Lifecycle implements DestructionAwareBeanPostProcessor {

		private final ObjectProvider<R2dbcCredentialCustomizer> customizer;

		private final ObjectProvider<DataSourceBinder> binder;

		private final Map<Object, Binding> bindings = Collections.synchronizedMap(new IdentityHashMap<>());

		Lifecycle(ObjectProvider<R2dbcCredentialCustomizer> customizer, ObjectProvider<DataSourceBinder> binder) {
			this.customizer = customizer;
			this.binder = binder;
		}

		@Override
		public Object postProcessAfterInitialization(Object bean, String beanName) {
			if (bean instanceof ConnectionFactory) {
				R2dbcCredentialCustomizer created = this.customizer.getIfAvailable();
				Binding binding = (created != null) ? created.takeDecorated() : null;
				if (binding != null) {
					this.bindings.put(bean, binding);
				}
			}
			return bean;
		}

		@Override
		public boolean requiresDestruction(Object bean) {
			return bean instanceof ConnectionFactory;
		}

		@Override
		public void postProcessBeforeDestruction(Object bean, String beanName) {
			Binding binding = this.bindings.remove(bean);
			if (binding != null) {
				this.binder.getObject().unbind(binding);
			}
		}

	}

}
