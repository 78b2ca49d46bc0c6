package io.github.refreshingdatasource.autoconfigure.endpoint;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import javax.sql.DataSource;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.github.refreshingdatasource.credentials.CredentialSnapshot;
import io.github.refreshingdatasource.credentials.RefreshRateLimitedException;
import io.github.refreshingdatasource.credentials.RefreshSettings;
import io.github.refreshingdatasource.jdbc.CredentialState;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The credential of every bound DataSource ({@code GET /actuator/dbcredentials}), of one
 * ({@code GET /actuator/dbcredentials/{datasource}}), and a forced refresh
 * ({@code POST /actuator/dbcredentials/{datasource}}). Shows usernames and fingerprints,
 * never a secret; secrets the cache knows are removed from error messages.
 */
@Endpoint(id = "dbcredentials", defaultAccess = Access.READ_ONLY)
public final class DbCredentialsEndpoint {

	/** The longest a forced refresh keeps the HTTP request waiting. */
	static final Duration MAX_REFRESH_WAIT = Duration.ofSeconds(30);

	private final CredentialCacheRegistry caches;

	private final Function<String, @Nullable DataSource> dataSources;

	private final Function<String, @Nullable CoordinationDescriptor> coordination;

	DbCredentialsEndpoint(CredentialCacheRegistry caches, Function<String, @Nullable DataSource> dataSources) {
		this(caches, dataSources, (name) -> null);
	}

	DbCredentialsEndpoint(CredentialCacheRegistry caches, Function<String, @Nullable DataSource> dataSources,
			Function<String, @Nullable CoordinationDescriptor> coordination) {
		this.caches = caches;
		this.dataSources = dataSources;
		this.coordination = coordination;
	}

	@ReadOperation
	public DataSourcesDescriptor credentials() {
		Map<String, CredentialDescriptor> descriptors = new LinkedHashMap<>();
		for (CredentialCache cache : this.caches.getAll()) {
			descriptors.put(cache.getDataSourceName(), describe(cache));
		}
		return new DataSourcesDescriptor(descriptors);
	}

	@ReadOperation
	public @Nullable CredentialDescriptor credential(@Selector String datasource) {
		CredentialCache cache = this.caches.get(datasource);
		return (cache != null) ? describe(cache) : null;
	}

	/**
	 * Fetch a new credential now and wait for the outcome, at most the refresh's own budget
	 * (every attempt timing out, with backoff between them) and never more than
	 * {@link #MAX_REFRESH_WAIT}; a refresh still running then shows as {@code refreshing}.
	 * A failed refresh shows in {@code lastError}.
	 * @param datasource the DataSource bean name
	 * @return the credential after the refresh, or {@code null} for an unknown name (HTTP 204
	 * No Content: Actuator answers a write operation without result that way)
	 */
	@WriteOperation
	public @Nullable CredentialDescriptor refresh(@Selector String datasource) {
		CredentialCache cache = this.caches.get(datasource);
		if (cache == null) {
			return null;
		}
		try {
			cache.refresh().get(refreshWait(cache.getSettings()).toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RefreshRateLimitedException refused) {
				// HTTP 400 with the reason: the caller asked too soon (refresh.manual-min-interval).
				throw new InvalidEndpointRequestException(refused.getMessage(), refused.getMessage());
			}
			// Otherwise reported through the state and lastError below.
		}
		catch (TimeoutException | CancellationException ex) {
			// Reported through the state below.
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return describe(cache);
	}

	static Duration refreshWait(RefreshSettings settings) {
		int attempts = settings.retry().maxAttempts();
		Duration budget = settings.fetchTimeout()
			.multipliedBy(attempts)
			.plus(settings.retry().maxInterval().multipliedBy(attempts - 1L));
		return (budget.compareTo(MAX_REFRESH_WAIT) < 0) ? budget : MAX_REFRESH_WAIT;
	}

	private CredentialDescriptor describe(CredentialCache cache) {
		CredentialSnapshot snapshot = cache.snapshot();
		CredentialState state = CredentialState.of(snapshot, this.dataSources.apply(cache.getDataSourceName()));
		return new CredentialDescriptor(snapshot.providerType(), snapshot.username(), state.value(),
				snapshot.fingerprint(), iso(snapshot.issuedAt()), iso(snapshot.expiresAt()), iso(snapshot.nextRefreshAt()),
				error(snapshot.lastFailure()), error(snapshot.lastRejection()), iso(snapshot.pausedUntil()),
				snapshot.pauseReason(), iso(snapshot.providerStuckSince()), snapshot.providerThreads(),
				snapshot.refusedFingerprint(), this.coordination.apply(cache.getDataSourceName()));
	}

	// The snapshot's failures are already redacted; they carry no Throwable.
	private static @Nullable ErrorDescriptor error(CredentialSnapshot.@Nullable Failure failure) {
		return (failure != null) ? new ErrorDescriptor(failure.type(), failure.message()) : null;
	}

	// Strings rather than Instants, so the format does not depend on the application's JSON settings.
	private static @Nullable String iso(@Nullable Instant instant) {
		return (instant != null) ? instant.toString() : null;
	}

	/**
	 * Every bound DataSource, by bean name.
	 *
	 * @param datasources the credential of each DataSource
	 */
	public record DataSourcesDescriptor(Map<String, CredentialDescriptor> datasources) implements OperationResponseBody {
	}

	/**
	 * The credential of one DataSource. Absent values are written as {@code null}.
	 *
	 * @param provider the provider type
	 * @param username the current credential's username
	 * @param state {@code valid}, {@code refreshing}, {@code stale} (expired or rejected,
	 * but the pool still has connections) or {@code failed}
	 * @param fingerprint the first 8 hex characters of the SHA-256 of the current secret
	 * @param issuedAt when the current credential was fetched (ISO-8601)
	 * @param expiresAt when it expires (ISO-8601), {@code null} when it does not
	 * @param nextRefreshAt when the next refresh is scheduled (ISO-8601)
	 * @param lastError the failure of the last refresh, while no refresh has succeeded since
	 * @param lastRejection what the database said when it last rejected a login, during a
	 * run of rejections
	 * @param pausedUntil until when the lockout guard pauses logins (ISO-8601), {@code null}
	 * when it does not
	 * @param pauseReason why logins are paused
	 * @param providerStuckSince since when a provider call has been running past the fetch
	 * timeout (ISO-8601), {@code null} when none is
	 * @param providerThreads threads inside the provider now
	 * @param refusedFingerprint a new credential the database refused while the previous
	 * one, still served, logs in
	 * @param coordination how the DataSource shares its credential with the fleet,
	 * {@code null} when it acts alone
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record CredentialDescriptor(String provider, @Nullable String username, String state,
			@Nullable String fingerprint, @Nullable String issuedAt, @Nullable String expiresAt,
			@Nullable String nextRefreshAt, @Nullable ErrorDescriptor lastError, @Nullable ErrorDescriptor lastRejection,
			@Nullable String pausedUntil, @Nullable String pauseReason, @Nullable String providerStuckSince,
			int providerThreads, @Nullable String refusedFingerprint,
			@Nullable CoordinationDescriptor coordination) implements OperationResponseBody {
	}

	/**
	 * Fleet coordination of one DataSource, as this replica sees it.
	 *
	 * @param type the backend ({@code redis}, {@code jdbc})
	 * @param store where the state is kept and how long a lock is leased
	 * @param sharedHits credentials taken from the fleet instead of calling the provider
	 * @param lockWaits waits for a lock another replica held
	 * @param refreshes provider calls this replica made for the fleet
	 * @param storeFailures reads or writes of the store that failed
	 * @param brokenChain why the shared refresh token chain is broken, {@code null} when it
	 * is not
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record CoordinationDescriptor(String type, String store, long sharedHits, long lockWaits, long refreshes,
			long storeFailures, @Nullable String brokenChain) {
	}

	/**
	 * A refresh failure.
	 *
	 * @param type the simple name of the exception class
	 * @param message its message, with every secret the cache knows replaced by
	 * {@code ******}
	 */
	@JsonInclude(JsonInclude.Include.ALWAYS)
	public record ErrorDescriptor(String type, @Nullable String message) {
	}

}
