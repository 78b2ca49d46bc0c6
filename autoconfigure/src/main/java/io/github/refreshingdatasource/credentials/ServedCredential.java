package io.github.refreshingdatasource.credentials;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * The credential a cache serves and until when it may be used; immutable, so the hot path's
 * one volatile read sees it whole.
 */
final class ServedCredential {

	final DbCredential credential;

	final @Nullable Instant effectiveExpiry;

	final Instant fetchedAt;

	final boolean rejected;

	/** Epoch millis; {@link Long#MIN_VALUE} once rejected, {@link Long#MAX_VALUE} without expiry. */
	final long usableUntil;

	ServedCredential(DbCredential credential, @Nullable Instant effectiveExpiry, Instant fetchedAt, boolean rejected) {
		this.credential = credential;
		this.effectiveExpiry = effectiveExpiry;
		this.fetchedAt = fetchedAt;
		this.rejected = rejected;
		this.usableUntil = rejected ? Long.MIN_VALUE
				: (effectiveExpiry != null) ? effectiveExpiry.toEpochMilli() : Long.MAX_VALUE;
	}

	ServedCredential markRejected() {
		return new ServedCredential(this.credential, this.effectiveExpiry, this.fetchedAt, true);
	}

}
