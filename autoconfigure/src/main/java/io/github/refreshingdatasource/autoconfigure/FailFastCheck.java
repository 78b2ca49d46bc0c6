package io.github.refreshingdatasource.autoconfigure;

import java.time.Duration;

import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialUnavailableException;
import io.github.refreshingdatasource.credentials.RefreshSettings;
import org.jspecify.annotations.Nullable;

/**
 * The start-up check of {@code fail-fast}: wait for the first credential, as long as the
 * fetch with all its retries may take, then open one login with it. Either failing fails
 * startup with a {@link RefreshingDataSourceConfigurationException} whose analysis names
 * the DataSource, the provider, the redacted reason and the property.
 */
final class FailFastCheck {

	private FailFastCheck() {
	}

	/** Opens one login (and closes it); absent for a connection factory. */
	@FunctionalInterface
	interface Login {

		void open() throws Exception;

	}

	/**
	 * Run the check on a started cache.
	 * @throws RefreshingDataSourceConfigurationException when it fails
	 */
	static void check(CredentialCache cache, @Nullable Login login) {
		long deadline = System.nanoTime() + longestFetch(cache.getSettings()).toNanos();
		while (true) {
			try {
				cache.get();
				break;
			}
			catch (CredentialUnavailableException ex) {
				// Not refreshing: every attempt of the start-up fetch has failed, nothing to wait for.
				if (!cache.snapshot().refreshing() || System.nanoTime() - deadline >= 0) {
					throw fail(cache, "no credential could be fetched", ex);
				}
			}
		}
		if (login != null) {
			try {
				login.open();
			}
			catch (Exception ex) {
				throw fail(cache, "the first login with its credential failed", ex);
			}
		}
	}

	/** fetch-timeout × attempts plus the pauses between them. */
	static Duration longestFetch(RefreshSettings settings) {
		RefreshSettings.Retry retry = settings.retry();
		int attempts = Math.max(1, retry.maxAttempts());
		Duration total = settings.fetchTimeout().multipliedBy(attempts);
		double interval = retry.initialInterval().toMillis();
		for (int i = 1; i < attempts; i++) {
			total = total.plusMillis((long) Math.min(interval, retry.maxInterval().toMillis()));
			interval *= retry.multiplier();
		}
		// The start-up fetch began before the check did; a second covers scheduling.
		return total.plusSeconds(1);
	}

	private static RefreshingDataSourceConfigurationException fail(CredentialCache cache, String what, Exception ex) {
		return BindingFailures.failFast(cache.getDataSourceName(), cache.getProviderType(), what, reason(cache, ex),
				ex);
	}

	/** The exception and up to two causes, type and message, redacted by the cache. */
	private static String reason(CredentialCache cache, Throwable ex) {
		StringBuilder reason = new StringBuilder();
		Throwable current = ex;
		for (int depth = 0; current != null && depth < 3; depth++, current = current.getCause()) {
			if (depth > 0) {
				reason.append("\n  caused by ");
			}
			reason.append(current.getClass().getSimpleName());
			if (current.getMessage() != null) {
				reason.append(": ").append(current.getMessage());
			}
			if (current.getCause() == current) {
				break;
			}
		}
		return cache.redact(reason.toString());
	}

}
