package io.github.refreshingdatasource.credentials.provider.oauth2;

import java.io.IOException;
import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The chain of rotating refresh tokens of one token source. Each redemption holds the
 * store's lock from reading the token to keeping its successor, and re-reads the store
 * first, so that token sources in other processes sharing the store continue the same
 * chain. A refused token is not sent again until a different one appears in the store.
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

	RefreshTokenChain(OAuth2Client client, RefreshTokenStore store, Duration lockTimeout) {
		this.client = client;
		this.store = store;
		this.lockTimeout = lockTimeout;
	}

	RefreshTokenStore store() {
		return this.store;
	}

	/**
	 * Begin a redemption: take the store's lock and read the token to send.
	 * @return the redemption, to be {@linkplain Redemption#close() closed} once its answer
	 * is kept or none came
	 * @throws OAuth2ErrorException when there is no token, or only the refused one
	 * @throws IOException when the store cannot be locked or read
	 * @throws InterruptedException when interrupted while waiting for the lock
	 */
	Redemption begin() throws IOException, OAuth2ErrorException, InterruptedException {
		RefreshTokenStore.Lock lock = this.store.lock(this.lockTimeout);
		try {
			return new Redemption(tokenToSend(), lock);
		}
		catch (IOException | OAuth2ErrorException | RuntimeException ex) {
			lock.close();
			throw ex;
		}
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
