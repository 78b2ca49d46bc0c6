package io.github.refreshingdatasource.testsupport;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database secrets engine of {@link LocalVault}, doing to the embedded PostgreSQL what
 * Vault's {@code database} engine with the PostgreSQL plugin does:
 * <ul>
 * <li>a dynamic role issues, per lease, a new login role with a random password and
 * {@code VALID UNTIL} the lease's end; a renewal moves {@code VALID UNTIL}, never beyond
 * the role's {@code max_ttl} counted from issue; revocation, or the lease's end, ends the
 * role's sessions and drops it;</li>
 * <li>a static role is an existing login role whose password is replaced every
 * {@code rotation_period}; sessions already open stay, as with {@code ALTER ROLE}.</li>
 * </ul>
 * Leases belong to the token that requested them: revoking the token revokes them, as
 * Vault does.
 */
public final class VaultDatabaseEngine implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(VaultDatabaseEngine.class);

	private static final SecureRandom random = new SecureRandom();

	/** How often lease ends are looked for; Vault's expiration manager runs on timers too. */
	private static final Duration REAPER_INTERVAL = Duration.ofMillis(100);

	private final ScramPostgres postgres;

	private final String mount;

	private final Map<String, DynamicRole> dynamicRoles = new ConcurrentHashMap<>();

	private final Map<String, StaticRole> staticRoles = new ConcurrentHashMap<>();

	private final Map<String, Lease> leases = new ConcurrentHashMap<>();

	private final List<String> revokedUsernames = new CopyOnWriteArrayList<>();

	private final List<String> passwords = new CopyOnWriteArrayList<>();

	private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((runnable) -> {
		Thread thread = new Thread(runnable, "local-vault-database-engine");
		thread.setDaemon(true);
		return thread;
	});

	private final AtomicInteger issued = new AtomicInteger();

	private final AtomicInteger renewals = new AtomicInteger();

	private final AtomicInteger revocations = new AtomicInteger();

	private final AtomicInteger expirations = new AtomicInteger();

	VaultDatabaseEngine(ScramPostgres postgres, String mount) {
		this.postgres = postgres;
		this.mount = mount;
		this.scheduler.scheduleWithFixedDelay(this::revokeEnded, REAPER_INTERVAL.toMillis(), REAPER_INTERVAL.toMillis(),
				TimeUnit.MILLISECONDS);
	}

	public String mount() {
		return this.mount;
	}

	/**
	 * Configure a dynamic role ({@code vault write database/roles/<name> default_ttl=.. max_ttl=..}).
	 * @param name the role name in Vault
	 * @param ttl the lease duration of new credentials and the default renewal increment
	 * @param maxTtl the longest a lease may live, counted from issue
	 */
	public void dynamicRole(String name, Duration ttl, Duration maxTtl) {
		this.dynamicRoles.put(name, new DynamicRole(ttl.toSeconds(), maxTtl.toSeconds()));
	}

	/**
	 * Configure a static role ({@code vault write database/static-roles/<name> username=..
	 * rotation_period=..}): creates the PostgreSQL role, sets a first password and rotates
	 * it every period.
	 * @param name the role name in Vault
	 * @param username the PostgreSQL role
	 * @param rotationPeriod how often the password is replaced
	 */
	public void staticRole(String name, String username, Duration rotationPeriod) {
		StaticRole role = new StaticRole(username, rotationPeriod.toSeconds());
		this.postgres.createLoginRole(username, ScramPostgres.randomPassword());
		rotate(role);
		role.schedule = this.scheduler.scheduleAtFixedRate(() -> rotate(role), role.rotationPeriodSeconds,
				role.rotationPeriodSeconds, TimeUnit.SECONDS);
		this.staticRoles.put(name, role);
	}

	/** Rotate a static role's password now, as {@code vault write database/rotate-role/<name>} does. */
	public void rotateNow(String name) {
		StaticRole role = this.staticRoles.get(name);
		if (role != null) {
			rotate(role);
		}
	}

	synchronized @Nullable Lease issue(String roleName, String token) {
		DynamicRole role = this.dynamicRoles.get(roleName);
		if (role == null) {
			return null;
		}
		Instant now = Instant.now();
		String username = "v-token-" + roleName + "-" + randomId(10) + "-" + now.getEpochSecond();
		String password = ScramPostgres.randomPassword();
		this.passwords.add(password);
		Instant end = now.plusSeconds(role.ttlSeconds);
		this.postgres.createLoginRole(username, password, end);
		Lease lease = new Lease(this.mount + "/creds/" + roleName + "/" + randomId(12), username, password, token, role,
				now, end);
		this.leases.put(lease.id, lease);
		this.issued.incrementAndGet();
		logger.info("Issued lease {} for role {} (user {}), ends {}", lease.id, roleName, username, end);
		return lease;
	}

	/**
	 * Renew a lease by {@code increment} seconds from now (0 means the role's ttl), capped by
	 * the role's max_ttl counted from issue.
	 * @return the renewed lease, or {@code null} when there is no such lease
	 */
	synchronized @Nullable Renewal renew(String leaseId, long increment) {
		Lease lease = this.leases.get(leaseId);
		Instant now = Instant.now();
		if (lease == null || !lease.end.isAfter(now)) {
			return null;
		}
		long ttl = (increment > 0) ? increment : lease.role.ttlSeconds;
		Instant wanted = now.plusSeconds(ttl);
		Instant maxEnd = lease.issuedAt.plusSeconds(lease.role.maxTtlSeconds);
		boolean capped = wanted.isAfter(maxEnd);
		Instant end = capped ? maxEnd : wanted;
		if (end.isAfter(lease.end)) {
			this.postgres.setValidUntil(lease.username, end);
			lease.end = end;
		}
		this.renewals.incrementAndGet();
		long duration = Duration.between(now, lease.end).toSeconds();
		return new Renewal(lease, duration, capped ? "TTL of \"" + ttl + "s\" exceeded the effective max_ttl of \""
				+ Duration.between(now, maxEnd).toSeconds() + "s\"; TTL value is capped accordingly" : null);
	}

	/** Revoke one lease; revoking an unknown lease does nothing, as in Vault. */
	synchronized void revoke(String leaseId) {
		Lease lease = this.leases.remove(leaseId);
		if (lease != null) {
			this.revocations.incrementAndGet();
			drop(lease, "revoked");
		}
	}

	/** Revoke the lease of a dynamic user by hand, as an operator's {@code vault lease revoke} does. */
	public synchronized void revokeLeaseOf(String username) {
		for (Lease lease : List.copyOf(this.leases.values())) {
			if (lease.username.equals(username)) {
				revoke(lease.id);
			}
		}
	}

	/** Revoke every lease the token requested (the token itself was revoked). */
	synchronized void revokeLeasesOf(String token) {
		for (Lease lease : List.copyOf(this.leases.values())) {
			if (lease.token.equals(token)) {
				revoke(lease.id);
			}
		}
	}

	@Nullable StaticCredentials staticCredentials(String name) {
		StaticRole role = this.staticRoles.get(name);
		if (role == null) {
			return null;
		}
		synchronized (role) {
			long ttl = Math.max(0, Duration.between(Instant.now(), role.lastRotation.plusSeconds(role.rotationPeriodSeconds))
				.toSeconds());
			return new StaticCredentials(role.username, role.password, ttl, role.lastRotation, role.rotationPeriodSeconds);
		}
	}

	private void rotate(StaticRole role) {
		synchronized (role) {
			String password = ScramPostgres.randomPassword();
			this.passwords.add(password);
			this.postgres.setPassword(role.username, password);
			role.password = password;
			role.lastRotation = Instant.now();
			role.rotations++;
		}
		logger.info("Rotated the password of static role user {}", role.username);
	}

	private synchronized void revokeEnded() {
		Instant now = Instant.now();
		for (Lease lease : List.copyOf(this.leases.values())) {
			if (!lease.end.isAfter(now)) {
				this.leases.remove(lease.id);
				this.expirations.incrementAndGet();
				drop(lease, "ended");
			}
		}
	}

	private void drop(Lease lease, String why) {
		try {
			this.postgres.dropRole(lease.username);
			this.revokedUsernames.add(lease.username);
			logger.info("Lease {} {}: dropped user {}", lease.id, why, lease.username);
		}
		catch (RuntimeException ex) {
			logger.warn("Lease {} {}: could not drop user {}", lease.id, why, lease.username, ex);
		}
	}

	/** Dynamic credentials issued. */
	public int issued() {
		return this.issued.get();
	}

	/** Lease renewals answered. */
	public int renewals() {
		return this.renewals.get();
	}

	/** Leases revoked on request (not ended by time). */
	public int revocations() {
		return this.revocations.get();
	}

	/** Leases that reached their end and were revoked by the engine. */
	public int expirations() {
		return this.expirations.get();
	}

	/** Every password this engine set, dynamic and static, so tests can look for them in output. */
	public List<String> passwords() {
		return List.copyOf(this.passwords);
	}

	/** Usernames of the dynamic roles whose lease is live. */
	public List<String> liveUsernames() {
		return this.leases.values().stream().map((lease) -> lease.username).toList();
	}

	/** Usernames of the dynamic roles dropped, by revocation or lease end, in order. */
	public List<String> droppedUsernames() {
		return List.copyOf(this.revokedUsernames);
	}

	/** How often the static role's password was set, the first time included. */
	public int rotations(String staticRole) {
		StaticRole role = this.staticRoles.get(staticRole);
		return (role != null) ? role.rotations : 0;
	}

	@Override
	public void close() {
		this.scheduler.shutdownNow();
	}

	private static String randomId(int bytes) {
		byte[] id = new byte[bytes];
		random.nextBytes(id);
		return HexFormat.of().formatHex(id);
	}

	record DynamicRole(long ttlSeconds, long maxTtlSeconds) {
	}

	static final class Lease {

		final String id;

		final String username;

		final String password;

		final String token;

		final DynamicRole role;

		final Instant issuedAt;

		volatile Instant end;

		Lease(String id, String username, String password, String token, DynamicRole role, Instant issuedAt,
				Instant end) {
			this.id = id;
			this.username = username;
			this.password = password;
			this.token = token;
			this.role = role;
			this.issuedAt = issuedAt;
			this.end = end;
		}

		DynamicRole role() {
			return this.role;
		}

	}

	record Renewal(Lease lease, long durationSeconds, @Nullable String warning) {
	}

	record StaticCredentials(String username, String password, long ttlSeconds, Instant lastRotation,
			long rotationPeriodSeconds) {
	}

	private static final class StaticRole {

		final String username;

		final long rotationPeriodSeconds;

		String password = "";

		Instant lastRotation = Instant.EPOCH;

		volatile int rotations;

		@Nullable ScheduledFuture<?> schedule;

		StaticRole(String username, long rotationPeriodSeconds) {
			this.username = username;
			this.rotationPeriodSeconds = rotationPeriodSeconds;
		}

	}

}
