package io.github.refreshingdatasource.credentials.provider.oauth2;

import java.io.IOException;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Keeps the newest refresh token of a chain whose tokens may be single-use.
 */
public interface RefreshTokenStore {

	/**
	 * The refresh token to use next.
	 * @return the token, or {@code null} when there is none
	 * @throws IOException when the store cannot be read
	 */
	@Nullable String load() throws IOException;

	/**
	 * Remember the refresh token the endpoint has just issued; the previous one may already
	 * be dead.
	 * @param refreshToken the new token
	 * @throws IOException when the token cannot be kept
	 */
	void save(String refreshToken) throws IOException;

	/**
	 * Hold the chain for one redemption (read the token, send it, keep the new one): until
	 * the returned lock is closed, no other redemption through a store of the same chain
	 * begins. A store shared between processes locks across them; the default is no lock,
	 * for a store only one token source uses.
	 * @param timeout how long to wait for another redemption to end
	 * @return the lock, to be closed once the answer is kept (or none came)
	 * @throws IOException when the lock cannot be obtained in time
	 * @throws InterruptedException when interrupted while waiting
	 */
	default Lock lock(Duration timeout) throws IOException, InterruptedException {
		return () -> {
		};
	}

	/** A held redemption lock; closing it twice is harmless. */
	interface Lock extends AutoCloseable {

		@Override
		void close();

	}

	/**
	 * A store that keeps the token in memory only: a restart starts again from the
	 * configured token.
	 * @param initial the configured refresh token
	 * @return the store
	 */
	static RefreshTokenStore inMemory(@Nullable String initial) {
		return new RefreshTokenStore() {

			private volatile @Nullable String token = initial;

			@Override
			public @Nullable String load() {
				return this.token;
			}

			@Override
			public void save(String refreshToken) {
				this.token = refreshToken;
			}

			@Override
			public String toString() {
				return "in memory";
			}

		};
	}

}
