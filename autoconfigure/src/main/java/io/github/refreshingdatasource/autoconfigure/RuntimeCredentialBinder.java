package io.github.refreshingdatasource.autoconfigure;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The {@link CredentialBinder} bean: the same {@link DataSourceBinder} that binds DataSource
 * beans, with no service connection to defer to.
 */
final class RuntimeCredentialBinder implements CredentialBinder {

	private static final Log logger = LogFactory.getLog(RuntimeCredentialBinder.class);

	private final DataSourceBinder binder;

	RuntimeCredentialBinder(DataSourceBinder binder) {
		this.binder = binder;
	}

	@Override
	public CredentialBinding bind(String name, DataSource pool) {
		Binding binding;
		try {
			binding = this.binder.bindDataSource(pool, name, null);
		}
		catch (RuntimeException ex) {
			this.binder.forget(pool);
			throw ex;
		}
		if (binding == null && this.binder.resolver().resolve(name).isEnabled()) {
			throw new IllegalStateException("The pool is already bound to rotating credentials");
		}
		return new Handle(name, pool, binding);
	}

	private final class Handle extends RuntimeHandle implements CredentialBinding {

		private final DataSource pool;

		Handle(String name, DataSource pool, @Nullable Binding binding) {
			super(name, RuntimeCredentialBinder.this.binder, binding);
			this.pool = pool;
		}

		@Override
		void forget(DataSourceBinder binder) {
			binder.forget(this.pool);
		}

		@Override
		void closePool() {
			if (this.pool instanceof AutoCloseable closeable) {
				try {
					closeable.close();
				}
				catch (Exception ex) {
					logger.warn("DataSource '" + name() + "': closing the pool failed: " + ex.getClass().getName());
				}
			}
		}

		@Override
		public String toString() {
			return "CredentialBinding[" + name() + "]";
		}

	}

}
