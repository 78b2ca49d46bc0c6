package io.github.refreshingdatasource.credentials.provider.oauth2;

import java.io.IOException;

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
