package io.github.refreshingdatasource.autoconfigure.provider.oauth2;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import io.github.refreshingdatasource.autoconfigure.ProviderType;
import io.github.refreshingdatasource.autoconfigure.RefreshingDataSourceConfigurationException;
import io.github.refreshingdatasource.autoconfigure.provider.CredentialProviderFactory;
import io.github.refreshingdatasource.autoconfigure.provider.ProviderContext;
import io.github.refreshingdatasource.autoconfigure.provider.ProviderCoordination;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.provider.oauth2.ClientAuthentication;
import io.github.refreshingdatasource.credentials.provider.oauth2.FileRefreshTokenStore;
import io.github.refreshingdatasource.credentials.provider.oauth2.GrantType;
import io.github.refreshingdatasource.credentials.provider.oauth2.OAuth2Client;
import io.github.refreshingdatasource.credentials.provider.oauth2.OAuth2TokenSource;
import io.github.refreshingdatasource.credentials.provider.oauth2.RefreshTokenStore;
import org.jspecify.annotations.Nullable;

import org.springframework.util.StringUtils;

/**
 * The {@code oauth2} provider: an access token from an OAuth2 token endpoint, over the JDK's
 * HTTP client (no extra dependency). DataSources with the same settings share one token
 * source, so a rotating refresh token chain is never forked.
 */
final class OAuth2ProviderFactory implements CredentialProviderFactory<OAuth2ProviderSettings> {

	/** DataSources with the same settings share one token source, so a refresh token chain is never forked. */
	private final Map<SourceKey, OAuth2TokenSource> sources = new ConcurrentHashMap<>();

	private final Map<Path, SourceKey> storeFiles = new ConcurrentHashMap<>();

	@Override
	public ProviderType type() {
		return ProviderType.OAUTH2;
	}

	@Override
	public Class<OAuth2ProviderSettings> settingsType() {
		return OAuth2ProviderSettings.class;
	}

	@Override
	public CredentialProvider create(ProviderContext context, OAuth2ProviderSettings settings) {
		SourceKey key = sourceKey(context, settings);
		if (key.storeFile != null) {
			SourceKey owner = this.storeFiles.putIfAbsent(key.storeFile, key);
			if (owner != null && !owner.equals(key)) {
				throw context.invalid("refresh token file " + key.storeFile + " is already used by another DataSource "
						+ "with different oauth2 settings; two chains cannot share one file.",
						"Give each refresh token chain its own refreshing.datasource.provider.oauth2.refresh-token-file.");
			}
		}
		// Keyed without the fetch timeout: two timeouts must not fork one refresh token chain.
		Duration timeout = context.fetchTimeout();
		Duration defaultLifetime = context.properties().getRefresh().getDefaultLifetime();
		return this.sources.computeIfAbsent(key, (unused) -> source(key, timeout, defaultLifetime, null)).newProvider();
	}

	/**
	 * A coordinated DataSource: the fleet store keeps the refresh token chain, so every
	 * replica continues the same one.
	 */
	@Override
	public CredentialProvider create(ProviderContext context, OAuth2ProviderSettings settings,
			ProviderCoordination coordination) {
		SourceKey key = sourceKey(context, settings);
		if (key.storeFile != null) {
			throw context.invalid("refresh-token-store 'file' and coordination both keep the refresh token chain.",
					"With refreshing.datasource.coordination.type set, the fleet store keeps the chain: remove "
							+ "refreshing.datasource.provider.oauth2.refresh-token-store (or set it to memory).");
		}
		SourceKey coordinated = new SourceKey(key.client, key.refreshToken, null, true);
		Duration timeout = context.fetchTimeout();
		Duration defaultLifetime = context.properties().getRefresh().getDefaultLifetime();
		return this.sources
			.computeIfAbsent(coordinated, (unused) -> source(coordinated, timeout, defaultLifetime, coordination))
			.newProvider();
	}

	/**
	 * The registration without its secrets: replicas with the same endpoint, client, grant,
	 * scope and parameters share one token and one chain (a rotated client secret does not
	 * fork it).
	 */
	@Override
	public String fleetIdentity(ProviderContext context, OAuth2ProviderSettings settings) {
		return "oauth2\n" + settings.getTokenUri() + "\n" + settings.getClientId() + "\n" + settings.getGrantType()
				+ "\n" + settings.getScope() + "\n" + new TreeMap<>(settings.getParameters());
	}

	@Override
	public String rejectionHint(@Nullable String source, @Nullable String username) {
		return "Check that the database accepts tokens of this issuer and audience, and that the "
				+ "token's subject is mapped to role " + ((username != null) ? "'" + username + "'" : "the configured user")
				+ ".";
	}

	private static OAuth2TokenSource source(SourceKey key, Duration timeout, Duration defaultLifetime,
			@Nullable ProviderCoordination coordination) {
		RefreshTokenStore store = null;
		if (key.client.grantType() == GrantType.REFRESH_TOKEN) {
			if (coordination != null) {
				store = coordination.refreshTokenStore(key.refreshToken);
			}
			else {
				store = (key.storeFile != null) ? new FileRefreshTokenStore(key.storeFile, key.refreshToken)
						: RefreshTokenStore.inMemory(key.refreshToken);
			}
		}
		return new OAuth2TokenSource(key.client, store, timeout, defaultLifetime);
	}

	private static SourceKey sourceKey(ProviderContext context, OAuth2ProviderSettings settings) {
		URI tokenUri = settings.getTokenUri();
		if (tokenUri == null) {
			throw context.missing("provider.oauth2.token-uri",
					"the oauth2 provider needs the token endpoint");
		}
		if (!"https".equalsIgnoreCase(tokenUri.getScheme()) && !"http".equalsIgnoreCase(tokenUri.getScheme())) {
			throw new RefreshingDataSourceConfigurationException("DataSource '" + context.dataSourceName()
					+ "': refreshing.datasource.provider.oauth2.token-uri '" + tokenUri + "' is not an http(s) URI.",
					"Set refreshing.datasource.provider.oauth2.token-uri to the https URI of the token endpoint.");
		}
		if ("http".equalsIgnoreCase(tokenUri.getScheme()) && !context.properties().isAllowInsecureTransport()) {
			throw new RefreshingDataSourceConfigurationException("DataSource '" + context.dataSourceName()
					+ "': the token endpoint " + tokenUri + " is plain HTTP; the client secret and tokens would "
					+ "cross the network unencrypted.",
					"Use an https token-uri, or set refreshing.datasource.allow-insecure-transport=true for an endpoint "
							+ "on the same host.");
		}
		if (!StringUtils.hasText(settings.getClientId())) {
			throw context.missing("provider.oauth2.client-id",
					"the oauth2 provider needs a client id");
		}
		if (settings.getClientAuthentication() != ClientAuthentication.NONE
				&& !StringUtils.hasLength(settings.getClientSecret())) {
			throw context.missing("provider.oauth2.client-secret",
					"client authentication " + settings.getClientAuthentication().name().toLowerCase().replace('_', '-')
							+ " needs a client secret");
		}
		Path storeFile = null;
		String refreshToken = StringUtils.hasLength(settings.getRefreshToken()) ? settings.getRefreshToken() : null;
		if (settings.getGrantType() == GrantType.REFRESH_TOKEN) {
			if (settings.getRefreshTokenStore() == OAuth2ProviderSettings.RefreshTokenStoreType.FILE) {
				if (settings.getRefreshTokenFile() == null) {
					throw context.missing("provider.oauth2.refresh-token-file",
							"refresh-token-store 'file' needs the path of the file");
				}
				storeFile = settings.getRefreshTokenFile().toAbsolutePath().normalize();
				if (!Files.isDirectory(storeFile.getParent())) {
					throw new RefreshingDataSourceConfigurationException("DataSource '" + context.dataSourceName()
							+ "': the directory of the refresh token file " + storeFile + " does not exist.",
							"Create the directory (on a persistent volume, so a restart finds the file), or change "
									+ "refreshing.datasource.provider.oauth2.refresh-token-file.");
				}
			}
			if (refreshToken == null && (storeFile == null || !Files.exists(storeFile))) {
				throw context.missing("provider.oauth2.refresh-token",
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
				storeFile, false);
	}

	/** Settings that make two DataSources share one token source; a coordinated one never shares with one alone. */
	private record SourceKey(OAuth2Client client, @Nullable String refreshToken, @Nullable Path storeFile,
			boolean coordinated) {

		@Override
		public String toString() {
			return "SourceKey[" + this.client + ", storeFile=" + this.storeFile + ", coordinated=" + this.coordinated
					+ "]";
		}

	}

}
