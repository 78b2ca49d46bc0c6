package io.github.refreshingdatasource.testsupport;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheListener;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.credentials.RefreshCause;

/** Counts what a cache does: refreshes, rotations, failures, retries, rejections. */
public final class CacheEvents implements CredentialCacheListener {

	public final AtomicInteger succeeded = new AtomicInteger();

	public final AtomicInteger rotated = new AtomicInteger();

	public final AtomicInteger failed = new AtomicInteger();

	public final AtomicInteger retried = new AtomicInteger();

	public final AtomicInteger rejected = new AtomicInteger();

	@Override
	public void refreshSucceeded(CredentialCache cache, RefreshCause cause, Duration duration,
			DbCredential credential, boolean rotated) {
		this.succeeded.incrementAndGet();
		if (rotated) {
			this.rotated.incrementAndGet();
		}
	}

	@Override
	public void refreshFailed(CredentialCache cache, RefreshCause cause, Duration duration, Throwable failure) {
		this.failed.incrementAndGet();
	}

	@Override
	public void fetchRetried(CredentialCache cache) {
		this.retried.incrementAndGet();
	}

	@Override
	public void credentialRejected(CredentialCache cache, DbCredential rejected) {
		this.rejected.incrementAndGet();
	}

	/** Every event counted, rotations aside (a rotation is also a success). */
	public int total() {
		return this.succeeded.get() + this.failed.get() + this.retried.get() + this.rejected.get();
	}

}
