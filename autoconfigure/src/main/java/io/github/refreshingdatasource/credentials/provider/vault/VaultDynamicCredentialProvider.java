package io.github.refreshingdatasource.credentials.provider.vault;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheListener;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.DbCredential;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.TaskScheduler;
import org.springframework.util.Assert;
import org.springframework.vault.authentication.event.AuthenticationEventMulticaster;
import org.springframework.vault.core.VaultOperations;
import org.springframework.vault.core.lease.SecretLeaseContainer;
import org.springframework.vault.core.lease.domain.Lease;
import org.springframework.vault.core.lease.event.AfterSecretLeaseRenewedEvent;
import org.springframework.vault.core.lease.event.SecretLeaseCreatedEvent;
import org.springframework.vault.core.lease.event.SecretLeaseEvent;

/**
 * Dynamic database credentials from Vault's database secrets engine
 * ({@code GET <mount>/creds/<role>}): every lease is a new database user with its own
 * password, valid until the lease ends.
 * <p>
 * Spring Vault's {@link SecretLeaseContainer} does the lease work: it renews the lease
 * {@code renewBefore} ahead of its end (same user and password, later end), and when a
 * renewal no longer reaches beyond {@code switchOverBefore} (Vault caps it at the role's
 * {@code max_ttl}) it requests new credentials. Each change reaches the credential cache at
 * once through {@link #watch(Runnable)}; the cache then serves the new username and
 * password together, and reports a rotation, which evicts the pooled connections of the old
 * user while the old lease still has {@code switchOverBefore} to run.
 * <p>
 * The container is the only one scheduling Vault calls while its lease chain is healthy.
 * This provider asks it for new credentials itself only when there is nothing better to
 * serve: before the first lease, after the database rejected the current user, or when the
 * lease has less than half of {@code switchOverBefore} left because the container's renewal
 * failed (Vault was down) and it rescheduled too late. Closing the provider revokes the
 * leases it took, unless told to keep them. The container's lifecycle is in
 * {@link VaultLeaseChain}; this class maps its events to the credential served.
 */
public final class VaultDynamicCredentialProvider implements CredentialProvider, CredentialCacheListener, AutoCloseable {

	private static final Log logger = LogFactory.getLog(VaultDynamicCredentialProvider.class);

	private final String path;

	private final Duration switchOverBefore;

	private final boolean revokeOnShutdown;

	private final Clock clock;

	private final AutoCloseable resources;

	private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

	private final AtomicInteger renewals = new AtomicInteger();

	private final AtomicInteger switchOvers = new AtomicInteger();

	private final Object obtainLock = new Object();

	private final VaultLeaseChain leases;

	private volatile @Nullable VaultLease current;

	private volatile @Nullable Exception lastError;

	private volatile boolean closed;

	/**
	 * Create a provider; it asks Vault for nothing until the first {@link #fetch()}.
	 * @param vault the Vault client, with its session
	 * @param path the credentials path, e.g. {@code database/creds/readonly}
	 * @param scheduler runs lease renewals
	 * @param sessionEvents the session manager's events, so that leases are requested anew
	 * when the login token expires (leases die with the token that took them); may be
	 * {@code null}
	 * @param settings when to renew, switch over and revoke
	 * @param resources closed after the leases are revoked (the client's own session and
	 * scheduler)
	 */
	public VaultDynamicCredentialProvider(VaultOperations vault, String path, TaskScheduler scheduler,
			@Nullable AuthenticationEventMulticaster sessionEvents, VaultLeaseSettings settings, AutoCloseable resources) {
		this(vault, path, scheduler, sessionEvents, settings, resources, Clock.systemUTC());
	}

	VaultDynamicCredentialProvider(VaultOperations vault, String path, TaskScheduler scheduler,
			@Nullable AuthenticationEventMulticaster sessionEvents, VaultLeaseSettings settings, AutoCloseable resources,
			Clock clock) {
		this.resources = resources;
		Assert.hasText(path, "path must not be empty");
		this.path = path;
		this.switchOverBefore = settings.switchOverBefore();
		this.leases = new VaultLeaseChain(vault, path, scheduler, sessionEvents, settings, this::onLeaseEvent,
				this::onLeaseError);
		this.revokeOnShutdown = settings.revokeOnShutdown();
		this.clock = clock;
	}

	@Override
	public DbCredential fetch() throws Exception {
		VaultLease lease = this.current;
		if (isServable(lease)) {
			return lease.credential();
		}
		synchronized (this.obtainLock) {
			lease = this.current;
			if (isServable(lease)) {
				return lease.credential();
			}
			if (this.closed) {
				throw new IllegalStateException("the Vault provider for " + this.path + " is closed");
			}
			this.lastError = null;
			this.leases.obtain(lease != null);
			VaultLease obtained = this.current;
			if (obtained != null && obtained != lease && !obtained.rejected()) {
				return obtained.credential();
			}
			Exception error = this.lastError;
			throw new VaultCredentialsUnavailableException("Vault gave no credentials at " + this.path
					+ ((error != null) ? ": " + VaultErrors.describe(error) : ""), error);
		}
	}

	/**
	 * Whether the lease may be served as it is: not rejected and, unless the container is
	 * about to switch over anyway, with more than half of {@code switchOverBefore} left.
	 */
	private boolean isServable(@Nullable VaultLease lease) {
		return lease != null && !lease.rejected()
				&& lease.end().isAfter(this.clock.instant().plus(this.switchOverBefore.dividedBy(2)));
	}

	private void onLeaseEvent(SecretLeaseEvent event) {
		Instant now = this.clock.instant();
		Lease lease = event.getLease();
		VaultLease previous = this.current;
		if (event instanceof SecretLeaseCreatedEvent created) {
			VaultLease issued = VaultLease.issued(lease, created.getSecrets(), now);
			if (issued == null) {
				this.lastError = new IllegalStateException("the response of " + this.path
						+ " has no username and password (is it a database secrets engine's creds path?)");
				return;
			}
			this.current = issued;
			if (previous != null) {
				this.switchOvers.incrementAndGet();
				this.leases.replaced(previous, now);
				logger.info("Vault: switching from user " + previous.credential().username() + " (lease "
						+ previous.shortLeaseId() + ", ends " + previous.end() + ") to user "
						+ issued.credential().username() + " (lease " + issued.shortLeaseId() + ", ends " + issued.end()
						+ ")" + (previous.rejected() ? " after the database rejected the old one" : ""));
			}
			else {
				logger.info("Vault: serving user " + issued.credential().username() + " (lease " + issued.shortLeaseId()
						+ ", ends " + issued.end() + ")");
			}
			announce();
		}
		else if (event instanceof AfterSecretLeaseRenewedEvent && previous != null
				&& lease.getLeaseId() != null && lease.getLeaseId().equals(previous.leaseId())) {
			this.current = previous.renewed(lease, now);
			this.renewals.incrementAndGet();
			announce();
		}
	}

	private void onLeaseError(Exception error) {
		this.lastError = error;
		logger.debug("Vault lease error for " + this.path + ": " + VaultErrors.describe(error));
	}

	private void announce() {
		for (Runnable listener : this.listeners) {
			try {
				listener.run();
			}
			catch (RuntimeException ex) {
				logger.debug("Credential change listener failed", ex);
			}
		}
	}

	/**
	 * Tell the provider that the database rejected a login with this credential: when it is
	 * the current lease's, the next {@link #fetch()} requests new credentials instead of
	 * serving it again (the lease was revoked early, or the user dropped by hand).
	 * @param rejected the rejected credential
	 */
	@Override
	public void credentialRejected(CredentialCache cache, DbCredential rejected) {
		rejected(rejected);
	}

	/**
	 * Tell the provider that the database rejected a login with this credential.
	 * @param rejected the rejected credential
	 * @see #credentialRejected(CredentialCache, DbCredential)
	 */
	public void rejected(DbCredential rejected) {
		VaultLease lease = this.current;
		if (lease != null && lease.credential().sameLogin(rejected)) {
			this.current = lease.markRejected();
		}
	}

	@Override
	public AutoCloseable watch(Runnable listener) {
		this.listeners.add(listener);
		return () -> this.listeners.remove(listener);
	}

	/**
	 * What is known of the current lease, for health and the endpoint; holds no secret.
	 * @return the lease details, or {@code null} before the first lease
	 */
	public @Nullable VaultLeaseDetails leaseDetails() {
		VaultLease lease = this.current;
		return (lease != null) ? new VaultLeaseDetails(lease.shortLeaseId(), lease.end(), this.renewals.get(),
				this.switchOvers.get()) : null;
	}

	/** Lease renewals seen since start. */
	public int renewals() {
		return this.renewals.get();
	}

	/** Switch-overs to a new user since start. */
	public int switchOvers() {
		return this.switchOvers.get();
	}

	/**
	 * Stop renewing and, unless told to keep them, revoke the leases this provider holds
	 * (Vault then drops their users).
	 */
	@Override
	public void close() {
		synchronized (this.obtainLock) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			this.listeners.clear();
			this.leases.close(this.revokeOnShutdown, this.clock.instant());
			try {
				this.resources.close();
			}
			catch (Exception ex) {
				logger.warn("Could not close the Vault client for " + this.path + ": " + VaultErrors.describe(ex));
			}
		}
	}

	@Override
	public String toString() {
		return "VaultDynamicCredentialProvider[path=" + this.path + "]";
	}

}
