package io.github.refreshingdatasource.coordination.redis;

import io.github.refreshingdatasource.coordination.FleetStore;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.HashOperations;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The fleet's state in Redis: one hash per credential source, {@code <prefix><key>}, with
 * one hash field per value, through the application's Spring Data Redis connection. Every
 * operation is a single command (HGET, HSET, HINCRBY, HDEL), so a reader never sees half a
 * write and counts are atomic.
 */
public final class RedisFleetStore implements FleetStore {

	private final StringRedisTemplate redis;

	private final HashOperations<String, String, String> hashes;

	private final String prefix;

	/**
	 * Create a store.
	 * @param connectionFactory the application's Redis connection
	 * @param prefix prepended to every key, e.g. {@code refreshing-datasource:}
	 */
	public RedisFleetStore(RedisConnectionFactory connectionFactory, String prefix) {
		this.redis = new StringRedisTemplate(connectionFactory);
		this.hashes = this.redis.opsForHash();
		this.prefix = prefix;
	}

	@Override
	public @Nullable String get(String key, String field) {
		return this.hashes.get(this.prefix + key, field);
	}

	@Override
	public void put(String key, String field, String value) {
		this.hashes.put(this.prefix + key, field, value);
	}

	@Override
	public long increment(String key, String field) {
		return this.hashes.increment(this.prefix + key, field, 1);
	}

	@Override
	public void remove(String key, String... fields) {
		this.hashes.delete(this.prefix + key, (Object[]) fields);
	}

	@Override
	public String describe() {
		return "redis (keys " + this.prefix + "*)";
	}

}
