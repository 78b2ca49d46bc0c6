package io.github.refreshingdatasource.credentials.provider.vault;

import java.time.Instant;
import java.util.Map;

import io.github.refreshingdatasource.credentials.DbCredential;
import org.jspecify.annotations.Nullable;

import org.springframework.vault.core.lease.domain.Lease;

/**
 * One Vault lease of dynamic database credentials: its id, the credential (username and
 * password together, expiring when the lease ends) and whether the database rejected it.
 * Immutable, so one volatile read sees it whole.
 *
 * @param leaseId the lease id, or {@code null} when Vault gave none
 * @param credential the credential, expiring at {@code end}
 * @param end when the lease ends, as this application reckons it from the lease duration
 * @param rejected whether the database rejected the credential
 */
record VaultLease(@Nullable String leaseId, DbCredential credential, Instant end, boolean rejected) {

	/** How many characters of the lease id's last segment are shown. */
	private static final int SHOWN = 6;

	static @Nullable VaultLease issued(Lease lease, Map<String, Object> secrets, Instant now) {
		String username = text(secrets, "username");
		String password = text(secrets, "password");
		if (username == null || password == null) {
			return null;
		}
		Instant end = now.plus(lease.getLeaseDuration());
		return new VaultLease(lease.getLeaseId(), DbCredential.of(username, password, end), end, false);
	}

	VaultLease renewed(Lease lease, Instant now) {
		Instant end = now.plus(lease.getLeaseDuration());
		return new VaultLease(this.leaseId, DbCredential.of(this.credential.username(), this.credential.secret(), end),
				end, this.rejected);
	}

	VaultLease markRejected() {
		return new VaultLease(this.leaseId, this.credential, this.end, true);
	}

	String shortLeaseId() {
		return shorten(this.leaseId);
	}

	/**
	 * The lease id with its random part cut to the last few characters: enough to find it
	 * in Vault's audit log, too little to revoke it with.
	 * @param leaseId the lease id, e.g. {@code database/creds/readonly/2f6a614c...}
	 * @return e.g. {@code database/creds/readonly/…c4d9e1}
	 */
	static String shorten(@Nullable String leaseId) {
		if (leaseId == null) {
			return "(none)";
		}
		int slash = leaseId.lastIndexOf('/');
		String prefix = leaseId.substring(0, slash + 1);
		String random = leaseId.substring(slash + 1);
		return prefix + "…" + ((random.length() > SHOWN) ? random.substring(random.length() - SHOWN) : "");
	}

	private static @Nullable String text(Map<String, Object> secrets, String key) {
		Object value = secrets.get(key);
		return (value instanceof String string && !string.isEmpty()) ? string : null;
	}

	@Override
	public String toString() {
		return "VaultLease[lease=" + shortLeaseId() + ", credential=" + this.credential + ", rejected=" + this.rejected
				+ "]";
	}

}
