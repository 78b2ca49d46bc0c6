package io.github.refreshingdatasource.autoconfigure;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.refreshingdatasource.credentials.provider.oauth2.ClientAuthentication;
import io.github.refreshingdatasource.credentials.provider.oauth2.FileRefreshTokenStore;
import io.github.refreshingdatasource.credentials.provider.oauth2.GrantType;
import io.github.refreshingdatasource.credentials.provider.oauth2.OAuth2Client;
import io.github.refreshingdatasource.credentials.provider.oauth2.OAuth2TokenSource;
import io.github.refreshingdatasource.credentials.provider.oauth2.RefreshTokenStore;
import org.jspecify.annotations.Nullable;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.StringUtils;

/**
 * The {@code oauth2} provider: an access token from an OAuth2 token endpoint, over the JDK's
 * HTTP client (no extra dependency). DataSources with the same settings share one token
 * source, so a rotating refresh token chain is never forked.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProviderType(ProviderType.OAUTH2)
class OAuth2ProviderConfiguration {

	@Bean
	CredentialProviderFactory oauth2CredentialProviderFactory() {
		Map<SourceKey, OAuth2TokenSource> sources = new ConcurrentHashMap<>();
		Map<Path, SourceKey> storeFiles = new ConcurrentHashMap<>();
		return new ProviderFactory(ProviderType.OAUTH2, (dataSourceName, properties) -> {
			SourceKey key = sourceKey(dataSourceName, properties);
			if (key.storeFile != null) {
				SourceKey owner = storeFiles.putIfAbsent(key.storeFile, key);
				if (owner != null && !owner.equals(key)) {
					throw new RefreshingDataSourceConfigurationException("DataSource '" + dataSourceName
							+ "': refresh token file " + key.storeFile + " is already used by another DataSource with "
							+ "different oauth2 settings; two chains cannot share one file.",
							"Give each refresh token chain its own refreshing.datasource.provider.oauth2.refresh-token-file.");
				}
			}
			// Keyed without the fetch timeout: two timeouts must not fork one refresh token chain.
			Duration timeout = properties.getRefresh().getFetchTimeout();
			Duration defaultLifetime = properties.getRefresh().getDefaultLifetime();
			return sources.computeIfAbsent(key, (unused) -> source(key, timeout, defaultLifetime)).newProvider();
		});
	}

	private static OAuth2TokenSource source(SourceKey key, Duration timeout, Duration defaultLifetime) {
		RefreshTokenStore store = null;
		if (key.client.grantType() == GrantType.REFRESH_TOKEN) {
			store = (key.storeFile != null) ? new FileRefreshTokenStore(key.storeFile, key.refreshToken)
					: RefreshTokenStore.inMemory(key.refreshToken);
		}
		return new OAuth2TokenSource(key.client, store, timeout, defaultLifetime);
	}

	private static SourceKey sourceKey(String dataSourceName, CredentialProperties properties) {
		CredentialProperties.OAuth2 settings = properties.getProvider().getOauth2();
		URI tokenUri = settings.getTokenUri();
		if (tokenUri == null) {
			throw ProviderFactory.missing(dataSourceName, "provider.oauth2.token-uri",
					"the oauth2 provider needs the token endpoint");
		}
		if (!"https".equalsIgnoreCase(tokenUri.getScheme()) && !"http".equalsIgnoreCase(tokenUri.getScheme())) {
			throw new RefreshingDataSourceConfigurationException("DataSource '" + dataSourceName
					+ "': refreshing.datasource.provider.oauth2.token-uri '" + tokenUri + "' is not an http(s) URI.",
					"Set refreshing.datasource.provider.oauth2.token-uri to the https URI of the token endpoint.");
		}
		if ("http".equalsIgnoreCase(tokenUri.getScheme()) && !properties.isAllowInsecureTransport()) {
			throw new RefreshingDataSourceConfigurationException("DataSource '" + dataSourceName
					+ "': the token endpoint " + tokenUri + " is plain HTTP; the client secret and tokens would "
					+ "cross the network unencrypted.",
					"Use an https token-uri, or set refreshing.datasource.allow-insecure-transport=true for an endpoint "
							+ "on the same host.");
		}
		if (!StringUtils.hasText(settings.getClientId())) {
			throw ProviderFactory.missing(dataSourceName, "provider.oauth2.client-id",
					"the oauth2 provider needs a client id");
		}
		if (settings.getClientAuthentication() != ClientAuthentication.NONE
				&& !StringUtils.hasLength(settings.getClientSecret())) {
			throw ProviderFactory.missing(dataSourceName, "provider.oauth2.client-secret",
					"client authentication " + settings.getClientAuthentication().name().toLowerCase().replace('_', '-')
							+ " needs a client secret");
		}
		Path storeFile = null;
		String refreshToken = StringUtils.hasLength(settings.getRefreshToken()) ? settings.getRefreshToken() : null;
		if (settings.getGrantType() == GrantType.REFRESH_TOKEN) {
			if (settings.getRefreshTokenStore() == CredentialProperties.RefreshTokenStoreType.FILE) {
				if (settings.getRefreshTokenFile() == null) {
					throw ProviderFactory.missing(dataSourceName, "provider.oauth2.refresh-token-file",
							"refresh-token-store 'file' needs the path of the file");
				}
				storeFile = settings.getRefreshTokenFile().toAbsolutePath().normalize();
				if (!Files.isDirectory(storeFile.getParent())) {
					throw new RefreshingDataSourceConfigurationException("DataSource '" + dataSourceName
							+ "': the directory of the refresh token file " + storeFile + " does not exist.",
							"Create the directory (on a persistent volume, so a restart finds the file), or change "
									+ "refreshing.datasource.provider.oauth2.refresh-token-file.");
				}
			}
			if (refreshToken == null && (storeFile == null || !Files.exists(storeFile))) {
				throw ProviderFactory.missing(dataSourceName, "provider.oauth2.refresh-token",
						"the refresh-token grant needs a refresh token to start from"
								+ ((storeFile != null) ? " (the refresh token file " + storeFile + " does not exist yet)"
										: ""));
			}
		}
		OAuth2Client client = new OAuth2Client(tokenUri, settings.getClientId(),
				(settings.getClientAuthentication() != ClientAuthentication.NONE) ? settings.getClientSecret() : null,
				settings.getClientAuthentication(), settings.getGrantType(), settings.getScope(),
				settings.getParameters());
		return new SourceKey(client, (settings.getGrantType() == GrantType.REFRESH_TOKEN) ? refreshToken : null,
				storeFile);
	}

	/** Settings that make two DataSources share one token source. */
	private record SourceKey(OAuth2Client client, @Nullable String refreshToken, @Nullable Path storeFile) {

		@Override
		public String toString() {
			return "SourceKey[" + this.client + ", storeFile=" + this.storeFile + "]";
		}

	}

}
