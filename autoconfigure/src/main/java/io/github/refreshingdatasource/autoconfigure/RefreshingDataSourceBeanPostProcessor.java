package io.github.refreshingdatasource.autoconfigure;

import java.util.IdentityHashMap;
import java.util.Map;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.DestructionAwareBeanPostProcessor;
import org.springframework.core.Ordered;

/**
 * Binds every {@link DataSource} bean to a credential cache once it is fully configured
 * (after Spring Boot's own connection-details post-processing) and before its pool starts,
 * and closes and unregisters that cache when the bean is destroyed (context close, a
 * prototype's {@code destroyBean}, a refresh scope), so a DataSource re-created under the
 * same name binds again. DataSources behind proxies are reached through
 * {@link DataSource#unwrap(Class)}; a DataSource of no supported pool fails startup unless
 * it is excluded. The {@code dataSource} bean is left alone when a service connection
 * (Docker Compose, Testcontainers) supplies its username and password, unless a per-bean
 * setting names it.
 */
final class RefreshingDataSourceBeanPostProcessor
		implements DestructionAwareBeanPostProcessor, BeanFactoryAware, Ordered {

	private final DataSourceBinder binder;

	/** By bean instance: a prototype is destroyed under no name of its own. */
	private final Map<Object, Binding> bound = new IdentityHashMap<>();

	private @Nullable ListableBeanFactory beanFactory;

	RefreshingDataSourceBeanPostProcessor(DataSourceBinder binder) {
		this.binder = binder;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (beanFactory instanceof ListableBeanFactory listable) ? listable : null;
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof DataSource dataSource) {
			String serviceConnection = (this.beanFactory != null)
					? ServiceConnections.credentialsSupplier(this.beanFactory, beanName) : null;
			Binding binding = this.binder.bindDataSource(dataSource, beanName, serviceConnection);
			if (binding != null) {
				synchronized (this.bound) {
					this.bound.put(bean, binding);
				}
			}
		}
		return bean;
	}

	@Override
	public boolean requiresDestruction(Object bean) {
		synchronized (this.bound) {
			return this.bound.containsKey(bean);
		}
	}

	@Override
	public void postProcessBeforeDestruction(Object bean, String beanName) {
		Binding binding;
		synchronized (this.bound) {
			binding = this.bound.remove(bean);
		}
		if (bean instanceof DataSource dataSource) {
			this.binder.forget(dataSource);
		}
		if (binding != null) {
			// Before the pool closes: nothing refreshes a credential for a pool that is going.
			this.binder.unbind(binding);
		}
	}

}
