package io.github.refreshingdatasource.sample.issuer;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.sample.database.DatabaseAdministrator;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.io.ClassPathResource;

/**
 * Plays the cloud identity service (or Vault's database secrets engine): every
 * {@code lifetime} it makes a fresh random password, sets it on a login role with
 * {@code VALID UNTIL} (so the database really refuses it once expired), and publishes it as
 * the JSON file a Vault Agent template or a Kubernetes secret mount would write. The starter
 * reads that file with its {@code file} provider, exactly as it would in production.
 * <p>
 * Two login roles take turns, so issuing a credential never touches the one the starter is
 * still using: that one stays valid until it expires, {@code grace} after its successor was
 * due.
 * <p>
 * The issuer keeps only the fingerprint of what it issued; the secret goes to the database
 * (as a SCRAM verifier) and to the {@link CredentialPublisher}s.
 */
public final class DemoCredentialIssuer implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(DemoCredentialIssuer.class);

	/** The role the schema grants its privileges to; the login roles are its members. */
	public static final String GROUP_ROLE = "demo_app";

	/** The login roles the issuer alternates between. */
	public static final List<String> LOGIN_ROLES = List.of("demo_app_blue", "demo_app_green");

	private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(5);

	private static final SecureRandom random = new SecureRandom();

	private final DatabaseAdministrator administrator;

	private final List<CredentialPublisher> publishers;

	private final Duration lifetime;

	private final Duration grace;

	private final Duration outage;

	private final Clock clock;

	private final ScheduledExecutorService scheduler;

	private @Nullable ScheduledFuture<?> next;

	private @Nullable Instant nextRotationAt;

	private int activeRole = -1;

	private @Nullable Issued current;

	private @Nullable Instant brokenUntil;

	private long issued;

	private long revoked;

	DemoCredentialIssuer(DatabaseAdministrator administrator, List<CredentialPublisher> publishers, Duration lifetime,
			Duration grace, Duration outage, Clock clock) {
		if (lifetime.compareTo(Duration.ofSeconds(1)) < 0 || grace.isNegative() || grace.compareTo(lifetime) >= 0) {
			// A grace as long as the lifetime would let a role's new password overwrite one still in use.
			throw new IllegalArgumentException("demo.issuer.lifetime must be at least 1s and demo.issuer.grace "
					+ "between 0 and the lifetime (lifetime " + lifetime + ", grace " + grace + ")");
		}
		this.administrator = administrator;
		this.publishers = List.copyOf(publishers);
		this.lifetime = lifetime;
		this.grace = grace;
		this.outage = outage;
		this.clock = clock;
		this.scheduler = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "demo-credential-issuer");
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Create the roles and the schema if needed and issue the first credential, so that the
	 * file exists before the DataSource is bound.
	 */
	synchronized void start() {
		this.administrator.prepare(GROUP_ROLE, LOGIN_ROLES, new ClassPathResource("schema.sql"));
		issue("first");
		logger.info("Demo issuer: publishing credentials to " + this.publishers + ", a new one every " + this.lifetime
				+ ", each valid for " + this.lifetime.plus(this.grace));
	}

	/**
	 * Issue a new credential now, ahead of schedule; the current one stays valid until it
	 * expires.
	 * @return the status afterwards
	 * @throws IllegalStateException while the token source is broken
	 */
	public synchronized IssuerStatus rotate() {
		requireWorking("rotate");
		issue("early");
		return status();
	}

	/**
	 * Revoke the current credential (the database refuses it from now on, as after a
	 * revoked token or lease) and publish a new one. Sessions already open stay open: the
	 * database checks passwords only at login.
	 * @return the status afterwards
	 * @throws IllegalStateException while the token source is broken
	 */
	public synchronized IssuerStatus revoke() {
		requireWorking("revoke");
		Issued revoking = this.current;
		if (revoking != null) {
			this.administrator.revokePassword(revoking.role);
			this.revoked++;
			logger.info("Demo issuer: revoked credential " + revoking.fingerprint + " of " + revoking.role);
		}
		issue("after revocation");
		return status();
	}

	/**
	 * Break the token source for the configured outage: no credential is issued and the
	 * file holds an error, so the starter's refreshes fail; then it heals by itself.
	 * @return the status afterwards
	 */
	public synchronized IssuerStatus breakSource() {
		Instant until = this.clock.instant().plus(this.outage);
		this.brokenUntil = until;
		this.publishers.forEach(CredentialPublisher::unavailable);
		schedule(this::healNow, this.outage, null);
		logger.info("Demo issuer: token source broken until " + until);
		return status();
	}

	/**
	 * End an outage now and issue a new credential.
	 * @return the status afterwards
	 */
	public synchronized IssuerStatus heal() {
		if (this.brokenUntil != null) {
			this.brokenUntil = null;
			logger.info("Demo issuer: token source healed");
			issue("after the outage");
		}
		return status();
	}

	/**
	 * Describe what the issuer has done, without any secret.
	 * @return the status
	 */
	public synchronized IssuerStatus status() {
		Issued issued = this.current;
		return new IssuerStatus((issued != null) ? issued.role : null, (issued != null) ? issued.fingerprint : null,
				(issued != null) ? issued.issuedAt : null, (issued != null) ? issued.expiresAt : null,
				(this.brokenUntil != null) ? null : this.nextRotationAt, this.brokenUntil, this.issued, this.revoked,
				this.outage.toSeconds());
	}

	private void requireWorking(String action) {
		if (this.brokenUntil != null) {
			throw new IllegalStateException(
					"Cannot " + action + ": the token source is broken until " + this.brokenUntil);
		}
	}

	private void issue(String reason) {
		int role = (this.activeRole + 1) % LOGIN_ROLES.size();
		String username = LOGIN_ROLES.get(role);
		String password = newSecret();
		Instant now = this.clock.instant();
		Instant expiresAt = now.plus(this.lifetime).plus(this.grace);
		// The database first: a published credential must already work.
		this.administrator.setPassword(username, password, expiresAt);
		DbCredential credential = DbCredential.of(username, password, expiresAt);
		this.publishers.forEach((publisher) -> publisher.publish(credential));
		String fingerprint = credential.fingerprint();
		this.activeRole = role;
		this.current = new Issued(username, fingerprint, now, expiresAt);
		this.issued++;
		schedule(this::scheduledRotation, this.lifetime, now.plus(this.lifetime));
		logger.info("Demo issuer: issued credential " + fingerprint + " for " + username + " (" + reason
				+ "), valid until " + expiresAt);
	}

	private synchronized void scheduledRotation() {
		if (this.brokenUntil != null) {
			return;
		}
		try {
			issue("scheduled");
		}
		catch (RuntimeException ex) {
			logger.warn("Demo issuer: could not issue a credential, trying again in " + RETRY_AFTER_FAILURE + ": "
					+ ex.getMessage());
			schedule(this::scheduledRotation, RETRY_AFTER_FAILURE, this.clock.instant().plus(RETRY_AFTER_FAILURE));
		}
	}

	private synchronized void healNow() {
		try {
			heal();
		}
		catch (RuntimeException ex) {
			logger.warn("Demo issuer: could not heal the token source, trying again in " + RETRY_AFTER_FAILURE + ": "
					+ ex.getMessage());
			this.brokenUntil = this.clock.instant().plus(RETRY_AFTER_FAILURE);
			schedule(this::healNow, RETRY_AFTER_FAILURE, null);
		}
	}

	private void schedule(Runnable task, Duration delay, @Nullable Instant nextRotationAt) {
		if (this.next != null) {
			this.next.cancel(false);
		}
		this.nextRotationAt = nextRotationAt;
		if (!this.scheduler.isShutdown()) {
			this.next = this.scheduler.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	private static String newSecret() {
		byte[] bytes = new byte[24];
		random.nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	@Override
	public synchronized void close() {
		this.scheduler.shutdownNow();
	}

	@Override
	public String toString() {
		return "DemoCredentialIssuer[publishers=" + this.publishers + "]";
	}

	private record Issued(String role, String fingerprint, Instant issuedAt, Instant expiresAt) {
	}

}
