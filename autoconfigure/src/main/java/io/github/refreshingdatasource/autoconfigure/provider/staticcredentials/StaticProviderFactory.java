package io.github.refreshingdatasource.autoconfigure.provider.staticcredentials;

import io.github.refreshingdatasource.autoconfigure.ProviderType;
import io.github.refreshingdatasource.autoconfigure.provider.CredentialProviderFactory;
import io.github.refreshingdatasource.autoconfigure.provider.ProviderContext;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.provider.StaticCredentialProvider;
import org.jspecify.annotations.Nullable;

import org.springframework.util.StringUtils;

/**
 * Creates the {@code static} provider.
 */
final class StaticProviderFactory implements CredentialProviderFactory<StaticProviderSettings> {

	@Override
	public ProviderType type() {
		return ProviderType.STATIC;
	}

	@Override
	public Class<StaticProviderSettings> settingsType() {
		return StaticProviderSettings.class;
	}

	@Override
	public CredentialProvider create(ProviderContext context, StaticProviderSettings settings) {
		if (!StringUtils.hasLength(settings.getPassword())) {
			throw context.missing("provider.static.password", "the static provider needs a password");
		}
		String username = (settings.getUsername() != null) ? settings.getUsername()
				: context.properties().getUsername();
		return new StaticCredentialProvider(username, settings.getPassword());
	}

	@Override
	public String rejectionHint(@Nullable String source, @Nullable String username) {
		return "refreshing.datasource.provider.static.username/password do not match a role that may log "
				+ "in; correct them (static credentials are meant for development).";
	}

}
