package io.github.refreshingdatasource.sample.issuer;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * {@code lifetime} it makes a fresh random password for each {@link Audience}, sets it on a
 * login role with {@code VALID UNTIL} (so the database really refuses it once expired), and
 * hands it to the {@link CredentialPublisher}s, which write the files the starter reads,
 * exactly as it would in production.
 * <p>
 * Two login roles per audience take turns, so issuing a credential never touches the one
 * the starter is still using: that one stays valid until it expires, {@code grace} after
 * its successor was due.
 * <p>
 * The issuer keeps only fingerprints of what it issued; the secret goes to the database (as
 * a SCRAM verifier) and to the publishers.
 */
public final class DemoCredentialIssuer implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(DemoCredentialIssuer.class);

	private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(5);

	private static final SecureRandom random = new SecureRandom();

	private final DatabaseAdministrator administrator;

	private final List<CredentialPublisher> publishers;

	private final DemoIssuerProperties properties;

	private final Clock clock;

	private final ScheduledExecutorService scheduler;

	private final Map<Audience, Issued> current = new EnumMap<>(Audience.class);

	private @Nullable ScheduledFuture<?> next;

	private @Nullable Instant nextRotationAt;

	private @Nullable Instant replacementAt;

	private @Nullable Instant brokenUntil;

	private long issued;

	private long revoked;

	DemoCredentialIssuer(DatabaseAdministrator administrator, List<CredentialPublisher> publishers,
			DemoIssuerProperties properties, Clock clock) {
		Duration lifetime = properties.getLifetime();
		Duration grace = properties.getGrace();
		if (lifetime.compareTo(Duration.ofSeconds(1)) < 0 || grace.isNegative() || grace.compareTo(lifetime) >= 0) {
			// A grace as long as the lifetime would let a role's new password overwrite one still in use.
			throw new IllegalArgumentException("demo.issuer.lifetime must be at least 1s and demo.issuer.grace "
					+ "between 0 and the lifetime (lifetime " + lifetime + ", grace " + grace + ")");
		}
		if (properties.getRevokeDelay().isNegative() || properties.getOutageAfterExpiry().isNegative()) {
			throw new IllegalArgumentException("demo.issuer.revoke-delay and demo.issuer.outage-after-expiry must "
					+ "not be negative");
		}
		this.administrator = administrator;
		this.publishers = List.copyOf(publishers);
		this.properties = properties;
		this.clock = clock;
		this.scheduler = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "demo-credential-issuer");
			thread.setDaemon(true);
			return thread;
		});
	}

	/**
	 * Create the roles and the schema if needed and issue the first credentials, so that the
	 * files exist before the DataSources are bound.
	 */
	synchronized void start() {
		Map<String, List<String>> roles = new LinkedHashMap<>();
		for (Audience audience : Audience.values()) {
			roles.put(audience.groupRole(), audience.loginRoles());
		}
		this.administrator.prepare(roles, new ClassPathResource("schema.sql"));
		issue("first");
		logger.info("Demo issuer: publishing credentials to " + this.publishers + ", new ones every "
				+ this.properties.getLifetime() + ", each valid for "
				+ this.properties.getLifetime().plus(this.properties.getGrace()));
	}

	/**
	 * Issue new credentials now, ahead of schedule; the current ones stay valid until they
	 * expire.
	 * @return the status afterwards
	 * @throws IllegalStateException while the token source is broken
	 */
	public synchronized IssuerStatus rotate() {
		requireWorking("rotate");
		issue("early");
		return status();
	}

	/**
	 * Revoke the current credentials (the database refuses them from now on, as after a
	 * revoked token or lease) and publish their replacements only after the revoke delay, as
	 * an agent renders the next secret a little later: meanwhile logins with what was
	 * published are rejected. Sessions already open stay open: the database checks
	 * passwords only at login.
	 * @return the status afterwards
	 * @throws IllegalStateException while the token source is broken or a replacement is
	 * still due
	 */
	public synchronized IssuerStatus revoke() {
		requireWorking("revoke");
		for (Issued revoking : this.current.values()) {
			this.administrator.revokePassword(revoking.role);
			this.revoked++;
			logger.info("Demo issuer: revoked credential " + revoking.fingerprint + " of " + revoking.role);
		}
		this.publishers.forEach(CredentialPublisher::revoked);
		Duration delay = this.properties.getRevokeDelay();
		this.replacementAt = this.clock.instant().plus(delay);
		schedule(this::replaceRevoked, delay, this.replacementAt);
		logger.info("Demo issuer: replacements due at " + this.replacementAt);
		return status();
	}

	/**
	 * Break the token source until {@code outage-after-expiry} after the last credential it
	 * issued has expired: no credential is issued and the files hold an error, so the
	 * starter's refreshes fail, the credentials expire while the pools still hold
	 * connections, and then it heals by itself.
	 * @return the status afterwards
	 */
	public synchronized IssuerStatus breakSource() {
		Instant now = this.clock.instant();
		Instant lastExpiry = this.current.values()
			.stream()
			.map(Issued::expiresAt)
			.max(Instant::compareTo)
			.filter(now::isBefore)
			.orElse(now);
		Instant until = lastExpiry.plus(this.properties.getOutageAfterExpiry());
		this.brokenUntil = until;
		this.replacementAt = null;
		this.publishers.forEach(CredentialPublisher::unavailable);
		schedule(this::healNow, Duration.between(now, until), null);
		logger.info("Demo issuer: token source broken until " + until);
		return status();
	}

	/**
	 * End an outage now and issue new credentials.
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
		Issued app = this.current.get(Audience.APP);
		List<IssuerStatus.Credential> credentials = new ArrayList<>();
		this.current.forEach((audience, issued) -> credentials.add(new IssuerStatus.Credential(audience, issued.role,
				issued.fingerprint, issued.issuedAt, issued.expiresAt)));
		return new IssuerStatus((app != null) ? app.role : null, (app != null) ? app.fingerprint : null,
				(app != null) ? app.issuedAt : null, (app != null) ? app.expiresAt : null, credentials,
				(this.brokenUntil != null || this.replacementAt != null) ? null : this.nextRotationAt,
				this.replacementAt, this.brokenUntil, this.issued, this.revoked,
				this.properties.getRevokeDelay().toSeconds(), this.properties.getOutageAfterExpiry().toSeconds());
	}

	private void requireWorking(String action) {
		if (this.brokenUntil != null) {
			throw new IllegalStateException(
					"Cannot " + action + ": the token source is broken until " + this.brokenUntil);
		}
		if (this.replacementAt != null && action.equals("revoke")) {
			throw new IllegalStateException(
					"Cannot revoke: the revoked credentials' replacements are due at " + this.replacementAt);
		}
	}

	private void issue(String reason) {
		Instant now = this.clock.instant();
		Instant expiresAt = now.plus(this.properties.getLifetime()).plus(this.properties.getGrace());
		for (Audience audience : Audience.values()) {
			Issued previous = this.current.get(audience);
			int role = (previous != null) ? (audience.loginRoles().indexOf(previous.role) + 1) % 2 : 0;
			String username = audience.loginRoles().get(role);
			String password = newSecret();
			// The database first: a published credential must already work.
			this.administrator.setPassword(username, password, expiresAt);
			DbCredential credential = DbCredential.of(username, password, expiresAt);
			this.publishers.forEach((publisher) -> publisher.publish(audience, credential));
			this.current.put(audience, new Issued(username, credential.fingerprint(), now, expiresAt));
			this.issued++;
			logger.info("Demo issuer: issued credential " + credential.fingerprint() + " for " + username + " ("
					+ reason + "), valid until " + expiresAt);
		}
		this.replacementAt = null;
		schedule(this::scheduledRotation, this.properties.getLifetime(), now.plus(this.properties.getLifetime()));
	}

	private synchronized void scheduledRotation() {
		issueOrRetry("scheduled", this::scheduledRotation);
	}

	private synchronized void replaceRevoked() {
		issueOrRetry("after revocation", this::replaceRevoked);
	}

	private void issueOrRetry(String reason, Runnable retry) {
		if (this.brokenUntil != null) {
			return;
		}
		try {
			issue(reason);
		}
		catch (RuntimeException ex) {
			logger.warn("Demo issuer: could not issue credentials, trying again in " + RETRY_AFTER_FAILURE + ": "
					+ ex.getMessage());
			schedule(retry, RETRY_AFTER_FAILURE, this.clock.instant().plus(RETRY_AFTER_FAILURE));
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
