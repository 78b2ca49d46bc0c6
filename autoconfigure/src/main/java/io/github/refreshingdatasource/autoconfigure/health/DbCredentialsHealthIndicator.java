package io.github.refreshingdatasource.autoconfigure.health;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import javax.sql.DataSource;

import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.github.refreshingdatasource.credentials.CredentialSnapshot;
import io.github.refreshingdatasource.jdbc.CredentialState;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * UP while every DataSource has a usable credential or is getting one; DOWN once a
 * credential is unusable (expired or rejected) and cannot be renewed: the last refresh
 * failed, or none is in flight. A credential within {@code warn-before-expiry} of its
 * expiry that no refresh has replaced yet keeps UP with a warning. Details are keyed by
 * DataSource bean name and never hold a secret.
 */
final class DbCredentialsHealthIndicator implements HealthIndicator {

	private final CredentialCacheRegistry caches;

	private final Function<String, @Nullable DataSource> dataSources;

	private final Duration warnBeforeExpiry;

	private final Clock clock;

	private final Function<String, @Nullable String> brokenChains;

	DbCredentialsHealthIndicator(CredentialCacheRegistry caches, Function<String, @Nullable DataSource> dataSources,
			Duration warnBeforeExpiry, Clock clock) {
		this(caches, dataSources, warnBeforeExpiry, clock, (name) -> null);
	}

	/**
	 * @param brokenChains why a coordinated DataSource's shared refresh token chain is
	 * broken: DOWN at once, since no replica can renew the token
	 */
	DbCredentialsHealthIndicator(CredentialCacheRegistry caches, Function<String, @Nullable DataSource> dataSources,
			Duration warnBeforeExpiry, Clock clock, Function<String, @Nullable String> brokenChains) {
		this.caches = caches;
		this.dataSources = dataSources;
		this.warnBeforeExpiry = warnBeforeExpiry;
		this.clock = clock;
		this.brokenChains = brokenChains;
	}

	@Override
	public Health health() {
		boolean down = false;
		boolean paused = false;
		Map<String, Object> details = new LinkedHashMap<>();
		Instant now = this.clock.instant();
		for (CredentialCache cache : this.caches.getAll()) {
			CredentialSnapshot snapshot = cache.snapshot();
			Map<String, Object> detail = new LinkedHashMap<>();
			detail.put("state", CredentialState.of(snapshot, this.dataSources.apply(cache.getDataSourceName())).value());
			detail.put("provider", snapshot.providerType());
			if (snapshot.expiresAt() != null) {
				detail.put("expiresAt", snapshot.expiresAt().toString());
			}
			if (snapshot.lastFailure() != null) {
				detail.put("error", snapshot.lastFailure().toString());
			}
			if (snapshot.lastRejection() != null) {
				detail.put("lastRejection", snapshot.lastRejection().toString());
			}
			if (snapshot.pausedUntil() != null) {
				paused = true;
				detail.put("pausedUntil", snapshot.pausedUntil().toString());
				detail.put("pauseReason", snapshot.pauseReason());
			}
			if (snapshot.refusedFingerprint() != null) {
				detail.put("refusedCredential", snapshot.refusedFingerprint());
				detail.put("warning", "the database refused new credential " + snapshot.refusedFingerprint()
						+ "; serving the previous one, which still logs in");
			}
			if (snapshot.providerStuckSince() != null) {
				detail.put("providerStuckSince", snapshot.providerStuckSince().toString());
				detail.put("providerThreads", snapshot.providerThreads());
			}
			// During a lockout pause the credential is unusable on purpose: OUT_OF_SERVICE, below.
			String brokenChain = this.brokenChains.apply(cache.getDataSourceName());
			if (brokenChain != null) {
				// The current token may still be valid, but no replica of the fleet can renew it.
				down = true;
				detail.put("error", brokenChain);
			}
			else if (!snapshot.paused() && !snapshot.valid()
					&& (snapshot.lastFailure() != null || !snapshot.refreshing())) {
				down = true;
				if (snapshot.lastFailure() == null) {
					detail.put("error", snapshot.hasCredential() ? "credential expired or rejected and no refresh is in flight"
							: "no credential and no refresh in flight");
				}
			}
			else if (snapshot.valid() && expiresSoon(snapshot.expiresAt(), now)) {
				detail.put("warning", "credential " + snapshot.fingerprint() + " expires at " + snapshot.expiresAt()
						+ ", within warn-before-expiry (" + this.warnBeforeExpiry + "), and no refresh has replaced it yet");
			}
			details.put(cache.getDataSourceName(), detail);
		}
		// A lockout pause is deliberate, not a breakage: OUT_OF_SERVICE (503 like DOWN by
		// default) tells it apart, and DOWN still wins when another DataSource is broken.
		Health.Builder builder = down ? Health.down() : paused ? Health.outOfService() : Health.up();
		return builder.withDetails(details).build();
	}

	private boolean expiresSoon(@Nullable Instant expiresAt, Instant now) {
		return expiresAt != null && !now.plus(this.warnBeforeExpiry).isBefore(expiresAt);
	}

}
