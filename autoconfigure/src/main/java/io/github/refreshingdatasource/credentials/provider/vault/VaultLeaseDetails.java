package io.github.refreshingdatasource.credentials.provider.vault;

import java.time.Instant;

/**
 * What operators see of a dynamic role's lease: no secret, and the lease id shortened.
 *
 * @param leaseId the shortened lease id, e.g. {@code database/creds/readonly/…c4d9e1}
 * @param endsAt when the lease ends
 * @param renewals renewals since the application started
 * @param switchOvers switches to new credentials (a new user) since the application started
 */
public record VaultLeaseDetails(String leaseId, Instant endsAt, int renewals, int switchOvers) {
}
