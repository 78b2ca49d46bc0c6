package io.github.refreshingdatasource.r2dbc;

import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.DbCredential;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The credential of one connection attempt. The driver subscribes to the username and the
 * password separately; both read this one credential, carried in the attempt's Reactor
 * context, so a rotation between the two cannot pair one credential's user with another's
 * password. The attempt also remembers what it used, so a rejection invalidates exactly that.
 */
final class CredentialAttempt {

	static final Class<CredentialAttempt> KEY = CredentialAttempt.class;

	private final Mono<DbCredential> credential;

	private volatile @Nullable DbCredential used;

	CredentialAttempt(CredentialCache cache) {
		this.credential = fetch(cache).doOnNext((fetched) -> this.used = fetched).cache();
	}

	CredentialAttempt(DbCredential known) {
		this.used = known;
		this.credential = Mono.just(known);
	}

	Mono<DbCredential> credential() {
		return this.credential;
	}

	@Nullable DbCredential used() {
		return this.used;
	}

	/**
	 * The cache's credential, off the driver's event loop: {@code get()} returns at once
	 * while the credential is valid, but may wait for a fetch when it is not.
	 */
	static Mono<DbCredential> fetch(CredentialCache cache) {
		return Mono.fromCallable(cache::get).subscribeOn(Schedulers.boundedElastic());
	}

}
