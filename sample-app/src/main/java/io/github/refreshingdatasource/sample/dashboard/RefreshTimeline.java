package io.github.refreshingdatasource.sample.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheListener;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.credentials.RefreshCause;
import org.jspecify.annotations.Nullable;

/**
 * The recent refreshes and rejections of every credential cache, for the dashboard's
 * timeline. Holds fingerprints and error messages, never a secret.
 */
public final class RefreshTimeline implements CredentialCacheListener {

	private static final int CAPACITY = 500;

	private final Deque<Event> events = new ArrayDeque<>();

	private final Clock clock;

	RefreshTimeline(Clock clock) {
		this.clock = clock;
	}

	@Override
	public void refreshSucceeded(CredentialCache cache, RefreshCause cause, Duration duration, DbCredential credential,
			boolean rotated) {
		add(new Event(this.clock.instant(), cache.getDataSourceName(), cause.tagValue(), "success",
				credential.fingerprint(), rotated, null));
	}

	@Override
	public void refreshFailed(CredentialCache cache, RefreshCause cause, Duration duration, Throwable failure) {
		add(new Event(this.clock.instant(), cache.getDataSourceName(), cause.tagValue(), "failure", null, false,
				ErrorView.of(failure, cache)));
	}

	@Override
	public void credentialRejected(CredentialCache cache, DbCredential rejected) {
		add(new Event(this.clock.instant(), cache.getDataSourceName(), "rejected", "rejected", rejected.fingerprint(),
				false, null));
	}

	private synchronized void add(Event event) {
		if (this.events.size() == CAPACITY) {
			this.events.removeFirst();
		}
		this.events.addLast(event);
	}

	/**
	 * The recorded events, oldest first.
	 * @return a copy
	 */
	public synchronized List<Event> events() {
		return List.copyOf(this.events);
	}

	/**
	 * One refresh or rejection.
	 *
	 * @param at when it happened
	 * @param dataSource the DataSource bean name
	 * @param cause why the refresh ran ({@code startup}, {@code scheduled}, ...), or
	 * {@code rejected}
	 * @param outcome {@code success}, {@code failure} or {@code rejected}
	 * @param fingerprint the fingerprint of the credential fetched or rejected
	 * @param rotated whether a refresh brought a different credential
	 * @param error why a refresh failed
	 */
	public record Event(Instant at, String dataSource, String cause, String outcome, @Nullable String fingerprint,
			boolean rotated, @Nullable ErrorView error) {
	}

}
