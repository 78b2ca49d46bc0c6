package io.github.refreshingdatasource.credentials.provider.vault;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.DbCredential;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;
import org.springframework.vault.core.VaultOperations;
import org.springframework.vault.support.VaultResponse;

/**
 * Static-role credentials from Vault's database secrets engine
 * ({@code GET <mount>/static-creds/<role>}): one database user whose password Vault
 * replaces every {@code rotation_period}. There is no lease; the answer's {@code ttl} says
 * when Vault rotates next.
 * <p>
 * The credential is stated to expire a random {@code jitter} after that rotation, so the
 * cache fetches the new password just after Vault set it, and many instances do not all
 * ask at the same instant. The old password stops working the moment Vault rotates;
 * logins in the gap are rejected, and the rejection makes the cache fetch the new
 * password and retry the login at once. Connections already open are not affected by a
 * password change.
 */
public final class VaultStaticCredentialProvider implements CredentialProvider, AutoCloseable {

	private final VaultOperations vault;

	private final String path;

	private final Duration jitter;

	private final Clock clock;

	private final AutoCloseable resources;

	/**
	 * Create a provider.
	 * @param vault the Vault client, with its session
	 * @param path the static credentials path, e.g. {@code database/static-creds/app}
	 * @param jitter the longest delay after Vault's rotation before the new password is
	 * fetched
	 * @param resources closed with the provider (the client's own session and scheduler)
	 */
	public VaultStaticCredentialProvider(VaultOperations vault, String path, Duration jitter, AutoCloseable resources) {
		this(vault, path, jitter, resources, Clock.systemUTC());
	}

	VaultStaticCredentialProvider(VaultOperations vault, String path, Duration jitter, AutoCloseable resources,
			Clock clock) {
		this.resources = resources;
		Assert.hasText(path, "path must not be empty");
		Assert.isTrue(!jitter.isNegative(), "jitter must not be negative");
		this.vault = vault;
		this.path = path;
		this.jitter = jitter;
		this.clock = clock;
	}

	@Override
	public DbCredential fetch() throws Exception {
		Instant now = this.clock.instant();
		VaultResponse response = this.vault.read(this.path);
		Map<String, Object> data = (response != null) ? response.getData() : null;
		if (data == null) {
			throw new VaultCredentialsUnavailableException("Vault has no static role at " + this.path, null);
		}
		String username = text(data, "username");
		String password = text(data, "password");
		if (username == null || password == null) {
			throw new VaultCredentialsUnavailableException("the response of " + this.path
					+ " has no username and password (is it a database secrets engine's static-creds path?)", null);
		}
		Long ttl = seconds(data.get("ttl"));
		if (ttl == null) {
			return DbCredential.of(username, password, null);
		}
		return DbCredential.of(username, password, now.plusSeconds(ttl).plus(randomJitter()));
	}

	/** At least a second after the rotation, so the fetch does not race Vault's own update. */
	private Duration randomJitter() {
		long max = Math.max(this.jitter.toMillis(), 1000);
		return Duration.ofMillis(ThreadLocalRandom.current().nextLong(1000, max + 1));
	}

	private static @Nullable String text(Map<String, Object> data, String key) {
		Object value = data.get(key);
		return (value instanceof String string && !string.isEmpty()) ? string : null;
	}

	private static @Nullable Long seconds(@Nullable Object value) {
		if (value instanceof Number number) {
			return Math.max(0, number.longValue());
		}
		if (value instanceof String string) {
			try {
				return Math.max(0, Long.parseLong(string));
			}
			catch (NumberFormatException ex) {
				return null;
			}
		}
		return null;
	}

	@Override
	public void close() throws Exception {
		this.resources.close();
	}

	@Override
	public String toString() {
		return "VaultStaticCredentialProvider[path=" + this.path + "]";
	}

}
