package io.github.refreshingdatasource.coordination;

import java.io.IOException;
import java.time.Duration;

import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.credentials.provider.oauth2.RefreshTokenStore;
import org.jspecify.annotations.Nullable;

/**
 * The newest refresh token of a rotating chain, kept for the whole fleet: each redemption
 * holds the fleet lock from reading the token to storing its successor, so the replicas
 * continue one chain instead of forking it. The configured token is adopted when the fleet
 * has none yet, or when it differs from the one the fleet started from (the operator
 * re-authorized); a replica configured with the token the chain began with continues
 * the chain.
 */
final class FleetRefreshTokenStore implements RefreshTokenStore {

	static final String TOKEN = "refresh-token";

	/** Fingerprint of the configured token the chain started from. */
	static final String SEED = "refresh-token-seed";

	private final FleetCoordinator coordinator;

	private final String key;

	private final @Nullable String initial;

	FleetRefreshTokenStore(FleetCoordinator coordinator, String key, @Nullable String initial) {
		this.coordinator = coordinator;
		this.key = key;
		this.initial = initial;
	}

	@Override
	public @Nullable String load() throws IOException {
		try {
			FleetStore store = this.coordinator.store();
			String stored = store.get(this.key, TOKEN);
			if (this.initial != null) {
				String seed = fingerprint(this.initial);
				if (stored == null || !seed.equals(store.get(this.key, SEED))) {
					store.put(this.key, TOKEN, this.initial);
					store.put(this.key, SEED, seed);
					return this.initial;
				}
			}
			return stored;
		}
		catch (RuntimeException ex) {
			throw new IOException("The fleet store " + this.coordinator.store().describe()
					+ " cannot be read for the refresh token (" + ex.getClass().getSimpleName() + ")", ex);
		}
	}

	@Override
	public void save(String refreshToken) throws IOException {
		try {
			this.coordinator.store().put(this.key, TOKEN, refreshToken);
		}
		catch (RuntimeException ex) {
			throw new IOException("The fleet store " + this.coordinator.store().describe()
					+ " cannot keep the refresh token (" + ex.getClass().getSimpleName() + ")", ex);
		}
	}

	@Override
	public Lock lock(Duration timeout) throws IOException, InterruptedException {
		try {
			FleetLocks.Held held = this.coordinator.locks().lockDetached(this.key + ":chain", timeout, () -> {
			});
			return held::close;
		}
		catch (RuntimeException ex) {
			throw new IOException("The fleet lock of the refresh token chain cannot be taken ("
					+ ex.getClass().getSimpleName() + ")", ex);
		}
	}

	private static String fingerprint(String token) {
		return DbCredential.of(null, token, null).fingerprint();
	}

	@Override
	public String toString() {
		return "fleet store " + this.coordinator.store().describe();
	}

}
