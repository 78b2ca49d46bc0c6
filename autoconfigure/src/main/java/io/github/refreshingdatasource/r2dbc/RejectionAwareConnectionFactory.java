package io.github.refreshingdatasource.r2dbc;

import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.jdbc.RejectionHint;
import io.github.refreshingdatasource.credentials.CredentialUnavailableException;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.jdbc.LoginRejections;
import io.github.refreshingdatasource.jdbc.RejectionHint;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.Wrapped;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * The driver's {@link ConnectionFactory} as the pool sees it: each connection attempt
 * carries a {@link CredentialAttempt} in its context, which the driver's username and
 * password options read. When the database rejects the credential, the cache drops it and
 * the attempt is retried once with a fresh one; a rejection that stands is an
 * {@link R2dbcLoginRejectedException}, logged at WARN once per credential.
 */
final class RejectionAwareConnectionFactory implements ConnectionFactory, Wrapped<ConnectionFactory> {

	private static final Log logger = LogFactory.getLog(RejectionAwareConnectionFactory.class);

	private final ConnectionFactory delegate;

	private final CredentialCache cache;

	private final RejectionHint hint;

	private volatile @Nullable String lastReported;

	RejectionAwareConnectionFactory(ConnectionFactory delegate, CredentialCache cache,
			RejectionHint hint) {
		this.delegate = delegate;
		this.cache = cache;
		this.hint = hint;
	}

	@Override
	public Publisher<? extends Connection> create() {
		return Mono.defer(() -> attempt(new CredentialAttempt(this.cache), false));
	}

	private Mono<Connection> attempt(CredentialAttempt attempt, boolean retried) {
		return Mono.<Connection>from(this.delegate.create())
			.contextWrite((context) -> context.put(CredentialAttempt.KEY, attempt))
			.doOnNext((connection) -> {
				DbCredential used = attempt.used();
				if (used != null) {
					this.cache.loginSucceeded(used.username(), used.secret());
				}
			})
			.onErrorResume((failure) -> rejected(failure, attempt, retried));
	}

	private Mono<Connection> rejected(Throwable failure, CredentialAttempt attempt, boolean retried) {
		R2dbcException rejection = findRejection(failure);
		DbCredential used = attempt.used();
		if (rejection == null || used == null) {
			return Mono.error(failure);
		}
		R2dbcLoginRejectedException readable = readable(used, rejection, failure);
		this.cache.invalidate(used, readable);
		if (retried) {
			return Mono.error(readable);
		}
		return CredentialAttempt.fetch(this.cache).onErrorMap(CredentialUnavailableException.class, (unavailable) -> {
			readable.addSuppressed(unavailable);
			return readable;
		})
			.flatMap((fresh) -> fresh.sameLogin(used) ? Mono.error(readable)
					: attempt(new CredentialAttempt(fresh), true));
	}

	private R2dbcLoginRejectedException readable(DbCredential credential, R2dbcException rejection,
			Throwable thrown) {
		String sqlState = (rejection.getSqlState() != null) ? rejection.getSqlState() : "28000";
		String message = LoginRejections.message(this.cache.getDataSourceName(), this.cache.getProviderType(),
				credential.username(), credential.fingerprint(),
				LoginRejections.describe(rejection.getSqlState(), rejection.getErrorCode()),
				this.hint.likelyFix(credential.username()));
		R2dbcLoginRejectedException readable = new R2dbcLoginRejectedException(message, sqlState,
				rejection.getErrorCode(), thrown);
		String key = credential.username() + "/" + credential.fingerprint();
		if (!key.equals(this.lastReported)) {
			this.lastReported = key;
			logger.warn(message);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(message);
		}
		return readable;
	}

	static @Nullable R2dbcException findRejection(@Nullable Throwable failure) {
		int depth = 0;
		for (Throwable candidate = failure; candidate != null && depth++ < 16; candidate = (candidate
			.getCause() != candidate) ? candidate.getCause() : null) {
			if (candidate instanceof R2dbcException r2dbc
					&& LoginRejections.isRejection(r2dbc.getSqlState(), r2dbc.getErrorCode())) {
				return r2dbc;
			}
		}
		return null;
	}

	@Override
	public ConnectionFactoryMetadata getMetadata() {
		return this.delegate.getMetadata();
	}

	@Override
	public ConnectionFactory unwrap() {
		return this.delegate;
	}

	@Override
	public String toString() {
		return "RejectionAwareConnectionFactory[" + this.cache.getDataSourceName() + "]";
	}

}
