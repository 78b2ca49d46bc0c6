package io.github.refreshingdatasource.sample.issuer;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What the demo issuer has done, without any secret.
 *
 * @param role the login role of the credential issued last
 * @param fingerprint the fingerprint of the credential issued last (as the starter computes
 * it)
 * @param issuedAt when it was issued
 * @param expiresAt when the database stops accepting it
 * @param nextRotationAt when the next credential is due, unless the source is broken
 * @param brokenUntil when the broken token source heals, if it is broken
 * @param issued how many credentials were issued
 * @param revoked how many were revoked early
 * @param outageSeconds how long "break the token source" lasts
 */
public record IssuerStatus(@Nullable String role, @Nullable String fingerprint, @Nullable Instant issuedAt,
		@Nullable Instant expiresAt, @Nullable Instant nextRotationAt, @Nullable Instant brokenUntil, long issued,
		long revoked, long outageSeconds) {
}
