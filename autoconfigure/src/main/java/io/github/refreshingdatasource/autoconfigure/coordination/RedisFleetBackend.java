package io.github.refreshingdatasource.autoconfigure.coordination;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.refreshingdatasource.autoconfigure.CoordinationProperties;
import io.github.refreshingdatasource.autoconfigure.CoordinationType;
import io.github.refreshingdatasource.autoconfigure.RefreshingDataSourceConfigurationException;
import io.github.refreshingdatasource.coordination.FleetCoordinator;
import io.github.refreshingdatasource.coordination.redis.RedisFleetStore;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.integration.redis.util.RedisLockRegistry;

/**
 * The {@code redis} backend: the application's {@link RedisConnectionFactory}
 * ({@code spring.data.redis.*}), state under the key prefix, locks through a
 * {@link RedisLockRegistry} whose keys expire after the lease.
 */
final class RedisFleetBackend implements FleetBackend, DisposableBean {

	private final ObjectProvider<RedisConnectionFactory> connectionFactory;

	private final Map<Settings, Backend> backends = new ConcurrentHashMap<>();

	RedisFleetBackend(ObjectProvider<RedisConnectionFactory> connectionFactory) {
		this.connectionFactory = connectionFactory;
	}

	@Override
	public CoordinationType type() {
		return CoordinationType.REDIS;
	}

	@Override
	public FleetCoordinator coordinator(String dataSourceName, CoordinationProperties properties) {
		RedisConnectionFactory connections = this.connectionFactory.getIfUnique();
		if (connections == null) {
			throw new RefreshingDataSourceConfigurationException("DataSource '" + dataSourceName
					+ "' coordinates through redis, but the application has no single RedisConnectionFactory.",
					"Configure spring.data.redis.* (Spring Boot then creates the connection), or define one "
							+ "RedisConnectionFactory bean.");
		}
		Settings settings = new Settings(properties.getKeyPrefix(), properties.getLease());
		return this.backends.computeIfAbsent(settings, (unused) -> {
			RedisLockRegistry locks = new RedisLockRegistry(connections, settings.prefix + "locks", settings.lease);
			return new Backend(new FleetCoordinator(new RedisFleetStore(connections, settings.prefix), locks,
					settings.lease), locks);
		}).coordinator;
	}

	@Override
	public void destroy() {
		this.backends.values().forEach((backend) -> backend.locks.destroy());
	}

	private record Settings(String prefix, Duration lease) {
	}

	private record Backend(FleetCoordinator coordinator, RedisLockRegistry locks) {
	}

}
