package io.github.refreshingdatasource.credentials;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the hooks the observability auto-configurations use:
 * {@link CredentialCache#setFetchInterceptor}, {@link CredentialCache#redact} and
 * {@link CredentialCacheRegistry#whenRegistered}.
 */
class ObservabilityHooksTests {

	@Test
	void interceptorWrapsEveryProviderCallWithItsCause() throws Exception {
		List<String> seen = new CopyOnWriteArrayList<>();
		try (CredentialCache cache = new CredentialCache("dataSource", "static",
				() -> DbCredential.of("app_user", "hook-secret", null), null, RefreshSettings.defaults())) {
			cache.setFetchInterceptor((intercepted, cause, provider) -> {
				seen.add(intercepted.getDataSourceName() + "/" + cause.tagValue() + "/" + Thread.currentThread().getName());
				return provider.fetch();
			});
			cache.start();
			await().atMost(Duration.ofSeconds(5)).until(() -> cache.snapshot().valid() && !cache.snapshot().refreshing());
			cache.refresh().get(5, TimeUnit.SECONDS);
			assertThat(seen).satisfiesExactly(
					(call) -> assertThat(call).startsWith("dataSource/startup/refreshing-datasource-dataSource-fetch-"),
					(call) -> assertThat(call).startsWith("dataSource/manual/refreshing-datasource-dataSource-fetch-"));
		}
	}

	@Test
	void redactRemovesTheServedAndThePreviousSecret() throws Exception {
		DbCredential first = DbCredential.of("app_user", "first-secret", null);
		DbCredential second = DbCredential.of("app_user", "second-secret", null);
		List<DbCredential> answers = new CopyOnWriteArrayList<>(List.of(first, second));
		try (CredentialCache cache = new CredentialCache("dataSource", "static", () -> answers.remove(0), null,
				RefreshSettings.defaults())) {
			cache.start();
			await().atMost(Duration.ofSeconds(5)).until(() -> cache.snapshot().valid());
			assertThat(cache.redact("token first-secret refused")).isEqualTo("token ****** refused");
			cache.invalidate(first);
			await().atMost(Duration.ofSeconds(5)).until(() -> second.fingerprint().equals(cache.snapshot().fingerprint()));
			assertThat(cache.redact("first-secret then second-secret, not third-secret"))
				.isEqualTo("****** then ******, not third-secret");
		}
	}

	@Test
	void whenRegisteredSeesEveryCacheOnce() {
		try (CredentialCacheRegistry registry = new CredentialCacheRegistry()) {
			CredentialCache early = cache("early");
			registry.register(early);
			List<String> seen = new CopyOnWriteArrayList<>();
			registry.whenRegistered((cache) -> seen.add(cache.getDataSourceName()));
			assertThat(seen).containsExactly("early");
			registry.register(cache("late"));
			assertThat(seen).containsExactly("early", "late");
		}
	}

	private static CredentialCache cache(String name) {
		return new CredentialCache(name, "static", () -> DbCredential.of("u", "p", null), null,
				RefreshSettings.defaults());
	}

}
