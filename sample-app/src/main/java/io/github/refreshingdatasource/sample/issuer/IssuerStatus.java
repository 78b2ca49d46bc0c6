package io.github.refreshingdatasource.sample.issuer;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What the demo issuer has done, without any secret.
 *
 * @param role the login role of the application's credential issued last
 * @param fingerprint its fingerprint (as the starter computes it)
 * @param issuedAt when it was issued
 * @param expiresAt when the database stops accepting it
 * @param credentials the credential issued last for each audience
 * @param nextRotationAt when the next credentials are due, unless the source is broken or
 * a revoked credential's replacement is pending
 * @param replacementAt when the replacements of revoked credentials are published
 * @param brokenUntil when the broken token source heals, if it is broken
 * @param issued how many credentials were issued
 * @param revoked how many were revoked early
 * @param revokeDelaySeconds how long a revoked credential's replacement takes
 * @param outageAfterExpirySeconds how long "break the token source" lasts beyond the
 * expiry of the credentials issued last
 */
public record IssuerStatus(@Nullable String role, @Nullable String fingerprint, @Nullable Instant issuedAt,
		@Nullable Instant expiresAt, List<Credential> credentials, @Nullable Instant nextRotationAt,
		@Nullable Instant replacementAt, @Nullable Instant brokenUntil, long issued, long revoked,
		long revokeDelaySeconds, long outageAfterExpirySeconds) {

	/**
	 * A credential issued, described without its secret.
	 *
	 * @param audience who it is for
	 * @param role its login role
	 * @param fingerprint its fingerprint
	 * @param issuedAt when it was issued
	 * @param expiresAt when the database stops accepting it
	 */
	public record Credential(Audience audience, String role, String fingerprint, Instant issuedAt,
			Instant expiresAt) {
	}

}
