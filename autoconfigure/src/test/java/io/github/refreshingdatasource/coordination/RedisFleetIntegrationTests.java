package io.github.refreshingdatasource.coordination;

import io.github.refreshingdatasource.testsupport.LocalRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The fleet scenarios on {@code coordination.type: redis}, against a real redis-server
 * started on a free 127.0.0.1 port ({@link LocalRedis}; install Debian's
 * {@code redis-server} to run them locally: without it they fail, they never skip).
 */
class RedisFleetIntegrationTests extends FleetScenarios {

	private static LocalRedis redis;

	@BeforeAll
	static void startRedis() {
		redis = LocalRedis.start();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@Override
	String[] coordination(int test) {
		return new String[] { "refreshing.datasource.coordination.type=redis",
				"refreshing.datasource.coordination.key-prefix=fleet-test-" + test + ":",
				"spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + redis.port() };
	}

}
