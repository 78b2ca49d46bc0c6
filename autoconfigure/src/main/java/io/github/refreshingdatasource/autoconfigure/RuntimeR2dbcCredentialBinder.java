package io.github.refreshingdatasource.autoconfigure;

import java.time.Duration;
import java.util.function.Consumer;

import io.github.refreshingdatasource.r2dbc.R2dbcCredentialBinding;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.pool.PoolingConnectionFactoryProvider;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The {@link R2dbcCredentialBinder} bean: binds the options the way the customizer binds
 * Spring Boot's, then builds what Boot builds from {@code spring.r2dbc.pool.*}: the driver's
 * factory, decorated, inside an r2dbc-pool {@link ConnectionPool}.
 */
final class RuntimeR2dbcCredentialBinder implements R2dbcCredentialBinder {

	private static final Log logger = LogFactory.getLog(RuntimeR2dbcCredentialBinder.class);

	/** How long closing a binding waits for the pool to close its connections. */
	private static final Duration DISPOSE_TIMEOUT = Duration.ofSeconds(10);

	private final DataSourceBinder binder;

	RuntimeR2dbcCredentialBinder(DataSourceBinder binder) {
		this.binder = binder;
	}

	@Override
	public R2dbcBinding bind(String name, ConnectionFactoryOptions options,
			Consumer<ConnectionPoolConfiguration.Builder> pool) {
		if (PoolingConnectionFactoryProvider.POOLING_DRIVER
			.equalsIgnoreCase(String.valueOf(options.getValue(ConnectionFactoryOptions.DRIVER)))) {
			// The pool would build the driver's factory itself, out of reach of the decorator.
			throw new IllegalArgumentException("ConnectionFactory '" + name
					+ "': pass the driver's options (r2dbc:postgresql://...), not r2dbc:pool:..., and size the pool "
					+ "through the pool customizer");
		}
		ConnectionFactoryOptions.Builder builder = options.mutate();
		R2dbcCredentialCustomizer.Bound bound = R2dbcCredentialCustomizer.bindOptions(this.binder, name, builder);
		try {
			ConnectionFactory driver = ConnectionFactories.get(builder.build());
			ConnectionFactory bindable = (bound != null)
					? R2dbcCredentialBinding.decorate(driver, bound.cache(), bound.hint()) : driver;
			ConnectionPoolConfiguration.Builder configuration = ConnectionPoolConfiguration.builder(bindable).name(name);
			pool.accept(configuration);
			return new Handle(name, new ConnectionPool(configuration.build()), (bound != null) ? bound.binding() : null);
		}
		catch (RuntimeException ex) {
			if (bound != null) {
				this.binder.unbind(bound.binding());
			}
			throw ex;
		}
	}

	private final class Handle extends RuntimeHandle implements R2dbcBinding {

		private final ConnectionPool pool;

		Handle(String name, ConnectionPool pool, @Nullable Binding binding) {
			super(name, RuntimeR2dbcCredentialBinder.this.binder, binding);
			this.pool = pool;
		}

		@Override
		public ConnectionFactory connectionFactory() {
			return this.pool;
		}

		@Override
		void closePool() {
			try {
				// Blocks like closing a JDBC pool does, so the connections are gone when close returns.
				this.pool.disposeLater().block(DISPOSE_TIMEOUT);
			}
			catch (RuntimeException ex) {
				logger.warn("ConnectionFactory '" + name() + "': disposing the pool failed: " + ex.getClass().getName());
			}
		}

		@Override
		public String toString() {
			return "R2dbcBinding[" + name() + "]";
		}

	}

}
