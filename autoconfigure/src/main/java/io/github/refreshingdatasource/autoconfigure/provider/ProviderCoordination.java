package io.github.refreshingdatasource.autoconfigure.provider;

import io.github.refreshingdatasource.credentials.provider.oauth2.RefreshTokenStore;
import org.jspecify.annotations.Nullable;

/**
 * What a provider factory is given when the DataSource's replicas coordinate
 * ({@code refreshing.datasource.coordination.type} other than none).
 */
public interface ProviderCoordination {

	/**
	 * A refresh-token store the whole fleet continues one chain in, in place of the
	 * configured one.
	 * @param initial the configured refresh token
	 * @return the store
	 */
	RefreshTokenStore refreshTokenStore(@Nullable String initial);

}
