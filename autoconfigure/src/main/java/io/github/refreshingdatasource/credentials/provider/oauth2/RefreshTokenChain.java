package io.github.refreshingdatasource.credentials.provider.oauth2;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The chain of rotating refresh tokens of one token source. Each redemption holds the
 * store's lock from reading the token to keeping its successor, and re-reads the store
 * first, so that token sources in other processes sharing the store continue the same
 * chain. A refused token is not sent again until a different one appears in the store.
 * <p>
 * A redemption may outlive its caller's timeout: the token sent may already be spent, and
 * the rotated one in the late answer is then the chain's only valid token. Such an answer is
 * still kept (see {@link #handOff}), and the next redemption waits for it instead of sending
 * the spent token: at most one abandoned redemption per chain.
 */
final class RefreshTokenChain {

	private static final Log logger = LogFactory.getLog(RefreshTokenChain.class);

	private final OAuth2Client client;

	private final RefreshTokenStore store;

	private final Duration lockTimeout;

	/** The newest token, when the store failed to keep it: it wins over the store's older one. */
	private volatile @Nullable String unsaved;

	/** The refresh token the endpoint refused last, and its answer. */
	private volatile @Nullable Refused refused;

	/** The last redemption handed off: done once its answer is kept or none can come. */
	private volatile @Nullable CompletableFuture<@Nullable Void> lastRedemption;

	RefreshTokenChain(OAuth2Client client, RefreshTokenStore store, Duration lockTimeout) {
		this.client = client;
		this.store = store;
		this.lockTimeout = lockTimeout;
	}

	RefreshTokenStore store() {
		return this.store;
	}

	/**
	 * Begin a redemption: wait for the answer of one whose caller gave up, take the store's
	 * lock and read the token to send.
	 * @return the redemption, to be {@linkplain Redemption#close() closed} once its answer
	 * is kept or none came
	 * @throws OAuth2ErrorException when there is no token, or only the refused one
	 * @throws IOException when an abandoned redemption is still waiting for its answer, or
	 * the store cannot be locked or read
	 * @throws InterruptedException when interrupted while waiting
	 */
	Redemption begin() throws IOException, OAuth2ErrorException, InterruptedException {
		awaitAbandoned();
		RefreshTokenStore.Lock lock = this.store.lock(this.lockTimeout);
		try {
			return new Redemption(tokenToSend(), lock);
		}
		catch (IOException | OAuth2ErrorException | RuntimeException ex) {
			lock.close();
			throw ex;
		}
	}

	/**
	 * A redemption whose caller timed out may still bring the rotated refresh token: wait for
	 * it (never longer than the lock timeout here) rather than send the token it may have
	 * spent.
	 */
	private void awaitAbandoned() throws IOException, InterruptedException {
		CompletableFuture<@Nullable Void> previous = this.lastRedemption;
		if (previous == null || previous.isDone()) {
			return;
		}
		try {
			previous.get(this.lockTimeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			throw new IOException("A refresh-token redemption with token endpoint " + this.client.tokenUri()
					+ " is still waiting for its answer; the refresh token is not sent again meanwhile");
		}
		catch (ExecutionException ex) {
			// Failed for good: the redemption is over.
		}
	}

	/**
	 * Hand a sent redemption over to its answer, whenever it arrives, also after the caller's
	 * timeout: the refresh token it carries is kept, and only then are the redemption and the
	 * store's lock ended. The next {@link #begin()} waits for this.
	 * @param redemption the redemption sent
	 * @param late its answer whenever it arrives, or the failure when none will
	 * @param refreshTokenOf reads the refresh token an answer carries, if any
	 */
	void handOff(Redemption redemption, CompletableFuture<TokenEndpoint.Answer> late,
			Function<TokenEndpoint.Answer, @Nullable String> refreshTokenOf) {
		this.lastRedemption = late.handle((received, failure) -> {
			try {
				if (received != null) {
					keep(redemption, refreshTokenOf.apply(received));
				}
			}
			finally {
				redemption.close();
			}
			return null;
		});
	}

	private String tokenToSend() throws IOException, OAuth2ErrorException {
		String candidate = this.unsaved;
		if (candidate == null) {
			candidate = this.store.load();
		}
		if (candidate == null) {
			throw new OAuth2ErrorException("No refresh token for token endpoint " + this.client.tokenUri() + " (store: "
					+ this.store + "): authorize once and configure the refresh token you obtained.", "no_refresh_token",
					0);
		}
		Refused refused = this.refused;
		if (refused != null && refused.token.equals(candidate)) {
			throw new OAuth2ErrorException(refused.error.getMessage() + " (The refused refresh token is not sent again.)",
					refused.error.getError(), refused.error.getStatus());
		}
		return candidate;
	}

	/**
	 * Keep the refresh token an answer carries, before anything else in it is judged: the
	 * one sent may already be dead.
	 * @param redemption the redemption answered
	 * @param newToken the token the answer carries, if any
	 */
	void keep(Redemption redemption, @Nullable String newToken) {
		if (newToken == null || newToken.equals(redemption.token)) {
			return;
		}
		redemption.successor = newToken;
		try {
			this.store.save(newToken);
			this.unsaved = null;
			logger.debug("Token endpoint " + this.client.tokenUri() + " rotated the refresh token; kept in "
					+ this.store);
		}
		catch (IOException | RuntimeException ex) {
			this.unsaved = newToken;
			logger.error("Token endpoint " + this.client.tokenUri() + " rotated the refresh token, but it could not be "
					+ "stored in " + this.store + " (" + ex.getClass().getSimpleName() + "); it is kept in memory, and "
					+ "after a restart the chain must be re-authorized");
		}
	}

	/**
	 * Remember a refusal of the token sent, so it is not sent again.
	 * @param redemption the redemption refused
	 * @param error the refusal
	 */
	void refused(Redemption redemption, OAuth2ErrorException error) {
		if (error.isInvalidGrant()) {
			this.refused = new Refused(redemption.token, error);
		}
	}

	@Override
	public String toString() {
		return "RefreshTokenChain[" + this.store + "]";
	}

	/** One redemption of the chain: the token sent, and the store's lock while it runs. */
	static final class Redemption implements AutoCloseable {

		private final String token;

		private final RefreshTokenStore.Lock lock;

		private volatile @Nullable String successor;

		Redemption(String token, RefreshTokenStore.Lock lock) {
			this.token = token;
			this.lock = lock;
		}

		String token() {
			return this.token;
		}

		/** The token the answer carried, which may also appear in its text. */
		@Nullable String successor() {
			return this.successor;
		}

		@Override
		public void close() {
			this.lock.close();
		}

		@Override
		public String toString() {
			return "Redemption";
		}

	}

	private record Refused(String token, OAuth2ErrorException error) {

		@Override
		public String toString() {
			return "Refused[" + this.error.getError() + "]";
		}

	}

}
