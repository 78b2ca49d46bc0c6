package io.github.refreshingdatasource.credentials.provider.vault;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * When a dynamic role's lease is renewed, when the pool switches to new credentials, and
 * whether leases are revoked on shutdown.
 *
 * @param renewBefore how long before a lease ends it is renewed
 * @param switchOverBefore how long before a lease ends, at the latest, new credentials
 * replace it when renewal cannot reach further (the role's {@code max_ttl}); connections of
 * the old user are retired in this time
 * @param revokeOnShutdown whether the leases are revoked when the application stops
 */
public record VaultLeaseSettings(Duration renewBefore, Duration switchOverBefore, boolean revokeOnShutdown) {

	public VaultLeaseSettings {
		Assert.isTrue(!switchOverBefore.isNegative() && !switchOverBefore.isZero(), "switchOverBefore must be positive");
		Assert.isTrue(renewBefore.compareTo(switchOverBefore) >= 0, "renewBefore must not be shorter than switchOverBefore");
	}

}
