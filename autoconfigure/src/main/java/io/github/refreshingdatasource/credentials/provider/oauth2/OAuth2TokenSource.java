package io.github.refreshingdatasource.credentials.provider.oauth2;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Obtains access tokens from one OAuth2 token endpoint for one {@link OAuth2Client}, and
 * keeps the newest refresh token of a rotating chain. It coordinates three parts: the
 * {@link TokenEndpoint} (the HTTP exchange, bounded in size and time), the
 * {@link TokenResponseParser} and the {@link RefreshTokenChain}.
 * <p>
 * One source may serve several DataSources: a token obtained for one of them within the
 * first quarter of its lifetime is handed to another that asks, so the endpoint sees one
 * request per token lifetime, and a chain of single-use refresh tokens is never forked. A
 * DataSource that asks again (its token is near expiry, or the database rejected it) always
 * gets a new token.
 * <p>
 * At most one exchange runs at a time. One whose caller gave up waiting goes on until its
 * own timeout (the response may carry the only valid refresh token of the chain), and the
 * next caller waits for its answer rather than starting another; at the timeout, or when
 * the last DataSource using the source closes, the exchange is ended and its connection
 * closed. A new refresh token is kept before anything else in the answer is judged.
 * <p>
 * An OAuth2 error answer ({@code invalid_grant}, {@code invalid_client}, ...) is thrown as
 * an {@link OAuth2ErrorException}, which is not retried; a refused refresh token is not sent
 * again, until a different one appears in the {@link RefreshTokenStore}. Every other failure
 * (5xx, timeouts, oversized or malformed answers) is an {@link IOException}, retried by the
 * cache. Messages hold no token or secret.
 */
public final class OAuth2TokenSource implements AutoCloseable {

	/** The expiry assumed for sharing a token whose lifetime the endpoint does not state. */
	static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(15);

	private final OAuth2Client client;

	private final @Nullable RefreshTokenChain chain;

	private final TokenEndpoint endpoint;

	private final TokenResponseParser parser;

	private final Duration defaultLifetime;

	private final Clock clock;

	private final ReentrantLock lock = new ReentrantLock();

	private final AtomicInteger users = new AtomicInteger();

	private @Nullable CompletableFuture<AccessToken> exchange;

	/**
	 * Create a source that assumes a lifetime of 15 minutes for tokens without a stated
	 * one.
	 * @param client what to ask for, and as whom
	 * @param store where the refresh token chain is kept; required for
	 * {@link GrantType#REFRESH_TOKEN}
	 * @param timeout how long one exchange with the endpoint may take, body included
	 */
	public OAuth2TokenSource(OAuth2Client client, @Nullable RefreshTokenStore store, Duration timeout) {
		this(client, store, timeout, DEFAULT_LIFETIME, Clock.systemUTC());
	}

	/**
	 * Create a source.
	 * @param client what to ask for, and as whom
	 * @param store where the refresh token chain is kept; required for
	 * {@link GrantType#REFRESH_TOKEN}
	 * @param timeout how long one exchange with the endpoint may take, body included
	 * @param defaultLifetime the lifetime assumed for a token whose expiry is neither in
	 * {@code expires_in} nor in its own {@code exp} claim ({@code refresh.default-lifetime})
	 */
	public OAuth2TokenSource(OAuth2Client client, @Nullable RefreshTokenStore store, Duration timeout,
			Duration defaultLifetime) {
		this(client, store, timeout, defaultLifetime, Clock.systemUTC());
	}

	OAuth2TokenSource(OAuth2Client client, @Nullable RefreshTokenStore store, Duration timeout,
			Duration defaultLifetime, Clock clock) {
		Assert.notNull(client, "client must not be null");
		Assert.isTrue(client.grantType() != GrantType.REFRESH_TOKEN || store != null,
				"the refresh_token grant needs a refresh token store");
		Assert.isTrue(!timeout.isNegative() && !timeout.isZero(), "timeout must be positive");
		Assert.isTrue(!defaultLifetime.isNegative() && !defaultLifetime.isZero(), "defaultLifetime must be positive");
		this.client = client;
		this.chain = (client.grantType() == GrantType.REFRESH_TOKEN) ? new RefreshTokenChain(client, store, timeout)
				: null;
		this.endpoint = new TokenEndpoint(client, timeout);
		this.parser = new TokenResponseParser(client);
		this.defaultLifetime = defaultLifetime;
		this.clock = clock;
	}

	public OAuth2Client getClient() {
		return this.client;
	}

	/**
	 * A provider for one DataSource; when the caches of all providers are closed, the
	 * exchange in flight is ended.
	 * @return a new provider backed by this source
	 */
	public OAuth2CredentialProvider newProvider() {
		this.users.incrementAndGet();
		return new OAuth2CredentialProvider(this);
	}

	void released() {
		if (this.users.decrementAndGet() <= 0) {
			close();
		}
	}

	/**
	 * End the exchange in flight, closing its connection. The source stays usable: a
	 * DataSource re-created later starts a new exchange.
	 */
	@Override
	public void close() {
		this.endpoint.cancelAll();
	}

	/**
	 * Return a token for the requester: the one just obtained for another requester while it
	 * is young, otherwise a new one.
	 * @param requester the asking provider, compared by identity
	 * @return the token
	 * @throws Exception when the endpoint cannot be reached or refuses
	 */
	AccessToken token(Object requester) throws Exception {
		this.lock.lockInterruptibly();
		try {
			CompletableFuture<AccessToken> exchange = this.exchange;
			if (exchange != null && !exchange.isDone()) {
				// A caller gave up waiting for it; its answer is as fresh as a new one and may
				// carry the chain's only valid refresh token.
				return served(await(exchange), requester);
			}
			if (exchange != null && !exchange.isCompletedExceptionally()) {
				AccessToken last = exchange.join();
				if (last.shareableWith(requester, this.clock.instant())) {
					return served(last, requester);
				}
			}
			exchange = start();
			this.exchange = exchange;
			return served(await(exchange), requester);
		}
		finally {
			this.lock.unlock();
		}
	}

	private static AccessToken served(AccessToken token, Object requester) {
		token.servedTo.add(requester);
		return token;
	}

	private static AccessToken await(CompletableFuture<AccessToken> exchange) throws Exception {
		try {
			return exchange.get();
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof CompletionException && cause.getCause() != null) {
				cause = cause.getCause();
			}
			if (cause instanceof Exception exception) {
				throw exception;
			}
			throw ex;
		}
	}

	private CompletableFuture<AccessToken> start() throws Exception {
		RefreshTokenChain chain = this.chain;
		RefreshTokenChain.Redemption redemption = (chain != null) ? chain.begin() : null;
		Instant sentAt = this.clock.instant();
		TokenEndpoint.Pending pending;
		try {
			pending = this.endpoint.send((redemption != null) ? redemption.token() : null);
		}
		catch (RuntimeException ex) {
			if (redemption != null) {
				redemption.close();
			}
			throw ex;
		}
		if (chain != null && redemption != null) {
			chain.handOff(redemption, pending.late(), this.parser::refreshToken);
		}
		return pending.answer().handle((received, failure) -> {
			if (failure != null) {
				throw (failure instanceof CompletionException completion) ? completion
						: new CompletionException(failure);
			}
			try {
				return accept(received, sentAt, chain, redemption);
			}
			catch (IOException | OAuth2ErrorException ex) {
				throw new CompletionException(ex);
			}
		});
	}

	private AccessToken accept(TokenEndpoint.Answer answer, Instant sentAt, @Nullable RefreshTokenChain chain,
			RefreshTokenChain.@Nullable Redemption redemption) throws IOException, OAuth2ErrorException {
		try {
			TokenResponseParser.Parsed parsed = (redemption != null)
					? this.parser.accessToken(answer, sentAt, chain, this.client.clientSecret(), redemption.token(),
							redemption.successor())
					: this.parser.accessToken(answer, sentAt, null, this.client.clientSecret());
			// Counted from before the request was sent, so the token never outlives what is believed.
			Instant shareUntil = sentAt.plus(Duration
				.between(sentAt, (parsed.expiresAt() != null) ? parsed.expiresAt() : sentAt.plus(this.defaultLifetime))
				.dividedBy(4));
			return new AccessToken(parsed.value(), parsed.expiresAt(), shareUntil);
		}
		catch (OAuth2ErrorException ex) {
			if (chain != null && redemption != null) {
				chain.refused(redemption, ex);
			}
			throw ex;
		}
	}

	@Override
	public String toString() {
		return "OAuth2TokenSource[" + this.client + ", refreshTokenStore="
				+ ((this.chain != null) ? this.chain.store() : null) + "]";
	}

	/** An access token and until when it is shared; never printed. */
	static final class AccessToken {

		final String value;

		/** When it expires, or {@code null} when unknown (the cache fetches again after its default lifetime). */
		final @Nullable Instant expiresAt;

		final Instant shareUntil;

		final Set<Object> servedTo = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

		AccessToken(String value, @Nullable Instant expiresAt, Instant shareUntil) {
			this.value = value;
			this.expiresAt = expiresAt;
			this.shareUntil = shareUntil;
		}

		boolean shareableWith(Object requester, Instant now) {
			return !this.servedTo.contains(requester) && now.isBefore(this.shareUntil);
		}

		@Override
		public String toString() {
			return "AccessToken[expiresAt=" + this.expiresAt + "]";
		}

	}

}
