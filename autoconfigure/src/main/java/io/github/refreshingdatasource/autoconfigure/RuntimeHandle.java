package io.github.refreshingdatasource.autoconfigure;

import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;

/**
 * What the runtime binders hand back, JDBC or R2DBC alike: a named pool with its binding, or
 * none when the name's settings leave it unbound. Closing it releases the binding (its cache
 * closes and unregisters), then the pool; only the first close does anything.
 */
abstract class RuntimeHandle {

	private final String name;

	private final DataSourceBinder binder;

	private final @Nullable Binding binding;

	private final AtomicBoolean closed = new AtomicBoolean();

	RuntimeHandle(String name, DataSourceBinder binder, @Nullable Binding binding) {
		this.name = name;
		this.binder = binder;
		this.binding = binding;
	}

	public final String name() {
		return this.name;
	}

	public final boolean isBound() {
		return this.binding != null;
	}

	public final void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		forget(this.binder);
		if (this.binding != null) {
			this.binder.unbind(this.binding);
		}
		closePool();
	}

	/** Let the binder drop what it remembers of the pool before the binding goes. */
	void forget(DataSourceBinder binder) {
	}

	/** Close the pool itself, after its binding; never throws. */
	abstract void closePool();

}
