package io.github.refreshingdatasource.autoconfigure.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.credentials.RefreshSettings;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14: a coordinated DataSource whose shared refresh token chain is broken is DOWN at
 * once, with the instruction to re-authorize, even while its current token still works:
 * no replica of the fleet can renew it.
 */
class BrokenChainHealthTests {

	@Test
	void brokenChainIsDownWithTheReauthorizeMessage() throws Exception {
		String message = "DataSource 'orders': the shared refresh token chain is broken ... Re-authorize";
		try (CredentialCacheRegistry registry = new CredentialCacheRegistry()) {
			CredentialCache cache = new CredentialCache("orders", "oauth2",
					() -> DbCredential.of("app", "token-value", Instant.now().plus(Duration.ofMinutes(10))), "app",
					RefreshSettings.defaults());
			registry.register(cache);
			cache.start();
			cache.get();
			// get() may return the new credential while its refresh is still finishing.
			await().atMost(Duration.ofSeconds(10)).until(() -> !cache.snapshot().refreshing());
			Health health = new DbCredentialsHealthIndicator(registry, (name) -> null, Duration.ofMinutes(1),
					Clock.systemUTC(), (name) -> "orders".equals(name) ? message : null)
				.health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			@SuppressWarnings("unchecked")
			Map<String, Object> detail = (Map<String, Object>) health.getDetails().get("orders");
			assertThat(detail).containsEntry("error", message).containsEntry("state", "valid");
			cache.close();
		}
	}

}
