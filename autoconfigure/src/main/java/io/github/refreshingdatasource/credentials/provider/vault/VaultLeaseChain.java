package io.github.refreshingdatasource.credentials.provider.vault;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.TaskScheduler;
import org.springframework.vault.authentication.event.AuthenticationEventMulticaster;
import org.springframework.vault.core.VaultOperations;
import org.springframework.vault.core.lease.SecretLeaseContainer;
import org.springframework.vault.core.lease.domain.RequestedSecret;
import org.springframework.vault.core.lease.event.SecretLeaseEvent;
import org.springframework.vault.support.LeaseStrategy;

/**
 * The lease lifecycle of one credentials path, apart from what the leases hold: Spring
 * Vault's {@link SecretLeaseContainer}, configured to renew {@code renewBefore} ahead of a
 * lease's end and to request new credentials once a renewal no longer reaches beyond
 * {@code switchOverBefore}; started anew when it lost its chain; and the leases a
 * switch-over replaced, which run for up to {@code switchOverBefore} and are revoked with
 * the current one on close.
 * <p>
 * Not thread-safe by itself: {@link #obtain(boolean)} and {@link #close(boolean, Instant)}
 * run under the provider's lock; the container's events arrive on its own threads.
 */
final class VaultLeaseChain {

	private static final Log logger = LogFactory.getLog(VaultLeaseChain.class);

	/** The shortest pause between two renewals of the same lease. */
	private static final Duration MAX_MIN_RENEWAL = Duration.ofSeconds(10);

	private final VaultOperations vault;

	private final String path;

	private final TaskScheduler scheduler;

	private final @Nullable AuthenticationEventMulticaster sessionEvents;

	private final Duration renewBefore;

	private final Duration switchOverBefore;

	private final Consumer<SecretLeaseEvent> onEvent;

	private final Consumer<Exception> onError;

	/** Leases replaced by a switch-over, which may still run for up to switch-over-before. */
	private final List<VaultLease> endingLeases = new CopyOnWriteArrayList<>();

	private @Nullable SecretLeaseContainer container;

	private volatile @Nullable RequestedSecret requested;

	/**
	 * @param onEvent told of each lease event of this path (created, renewed, ...)
	 * @param onError told of each lease error
	 */
	VaultLeaseChain(VaultOperations vault, String path, TaskScheduler scheduler,
			@Nullable AuthenticationEventMulticaster sessionEvents, VaultLeaseSettings settings,
			Consumer<SecretLeaseEvent> onEvent, Consumer<Exception> onError) {
		this.vault = vault;
		this.path = path;
		this.scheduler = scheduler;
		this.sessionEvents = sessionEvents;
		this.renewBefore = settings.renewBefore();
		this.switchOverBefore = settings.switchOverBefore();
		this.onEvent = onEvent;
		this.onError = onError;
	}

	/**
	 * Ask for new credentials now; they arrive as a lease-created event, on this thread when
	 * the container is started anew.
	 * @param haveLease whether a lease was obtained before (otherwise there is nothing to
	 * rotate)
	 */
	void obtain(boolean haveLease) {
		SecretLeaseContainer container = this.container;
		RequestedSecret requested = this.requested;
		if (container == null || requested == null || !haveLease || !container.isRunning()) {
			// No lease yet, or the container lost its chain: start a fresh one. A container
			// that never obtained a lease has none to revoke.
			if (container != null) {
				stop(container, false);
			}
			start();
			return;
		}
		try {
			container.rotate(requested);
		}
		catch (IllegalStateException ex) {
			// The container dropped its lease after an error it deemed final.
			stop(container, false);
			start();
		}
	}

	private void start() {
		SecretLeaseContainer container = new SecretLeaseContainer(this.vault, this.scheduler);
		container.setExpiryThreshold(this.renewBefore);
		container.setMinRenewal(minRenewal(this.switchOverBefore));
		// Renewal that cannot reach beyond switch-over-before (max_ttl) counts as expiry: the
		// container then requests new credentials while the old lease still runs.
		container.setExpiryPredicate(SecretLeaseContainer.NO_LEASE_ID
			.or((renewed) -> renewed.getLeaseDuration().compareTo(this.switchOverBefore) <= 0));
		// Vault down at renewal: keep the lease, whose credentials stay valid until it ends.
		container.setLeaseStrategy(LeaseStrategy.retainOnError());
		container.addLeaseListener(this::leaseEvent);
		container.addErrorListener((event, error) -> this.onError.accept(error));
		container.afterPropertiesSet();
		if (this.sessionEvents != null) {
			this.sessionEvents.addAuthenticationListener(container.getAuthenticationListener());
			this.sessionEvents.addErrorListener(container.getAuthenticationErrorListener());
		}
		this.container = container;
		this.requested = container.requestRotatingSecret(this.path);
		// Requests the secret on this thread, publishing SecretLeaseCreatedEvent before returning.
		container.start();
	}

	static Duration minRenewal(Duration switchOverBefore) {
		Duration third = switchOverBefore.dividedBy(3);
		Duration atLeastOneSecond = (third.compareTo(Duration.ofSeconds(1)) < 0) ? Duration.ofSeconds(1) : third;
		return (atLeastOneSecond.compareTo(MAX_MIN_RENEWAL) > 0) ? MAX_MIN_RENEWAL : atLeastOneSecond;
	}

	private void leaseEvent(SecretLeaseEvent event) {
		// A container stopped for a fresh one may still deliver events of its old request.
		RequestedSecret requested = this.requested;
		if (requested != null && requested.equals(event.getSource())) {
			this.onEvent.accept(event);
		}
	}

	/**
	 * Remember a lease a switch-over replaced: it runs until its end, and is revoked on close.
	 * @param previous the replaced lease
	 * @param now the time of the switch-over
	 */
	void replaced(VaultLease previous, Instant now) {
		this.endingLeases.removeIf((ending) -> !ending.end().isAfter(now));
		this.endingLeases.add(previous);
	}

	/**
	 * Stop renewing and, when asked to, revoke the current lease and those replaced that
	 * still run (Vault then drops their users).
	 * @param revoke whether to revoke
	 * @param now the time of closing
	 */
	void close(boolean revoke, Instant now) {
		SecretLeaseContainer container = this.container;
		if (container != null) {
			stop(container, revoke);
		}
		if (revoke) {
			revokeEnding(now);
		}
	}

	/**
	 * The container revokes only its current lease; leases it replaced run until their end,
	 * at most switch-over-before from the switch. Revoke those still running too.
	 */
	private void revokeEnding(Instant now) {
		for (VaultLease lease : this.endingLeases) {
			if (lease.leaseId() != null && lease.end().isAfter(now)) {
				try {
					this.vault.write("sys/leases/revoke", Map.of("lease_id", lease.leaseId()));
				}
				catch (RuntimeException ex) {
					logger.warn("Could not revoke Vault lease " + lease.shortLeaseId() + ": " + VaultErrors.describe(ex));
				}
			}
		}
		this.endingLeases.clear();
	}

	private void stop(SecretLeaseContainer container, boolean revoke) {
		if (this.sessionEvents != null) {
			this.sessionEvents.removeAuthenticationListener(container.getAuthenticationListener());
			this.sessionEvents.removeErrorListener(container.getAuthenticationErrorListener());
		}
		try {
			if (revoke) {
				// Revokes the current lease and logs failures as lease errors.
				container.destroy();
			}
			else {
				container.stop();
			}
		}
		catch (Exception ex) {
			logger.warn("Could not stop the Vault lease container for " + this.path + ": " + VaultErrors.describe(ex));
		}
	}

	@Override
	public String toString() {
		return "VaultLeaseChain[path=" + this.path + "]";
	}

}
