package io.github.refreshingdatasource.autoconfigure.provider.vault;

import io.github.refreshingdatasource.autoconfigure.OnRotation;
import io.github.refreshingdatasource.autoconfigure.ProviderType;
import io.github.refreshingdatasource.autoconfigure.provider.CredentialProviderFactory;
import io.github.refreshingdatasource.autoconfigure.provider.ProviderContext;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.provider.vault.VaultDynamicCredentialProvider;
import io.github.refreshingdatasource.credentials.provider.vault.VaultLeaseSettings;
import io.github.refreshingdatasource.credentials.provider.vault.VaultStaticCredentialProvider;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.util.StringUtils;
import org.springframework.vault.authentication.SessionManager;
import org.springframework.vault.core.VaultOperations;

/**
 * Creates the {@code vault} provider of one DataSource: dynamic or static role, on the
 * application's Vault client or one of its own.
 */
final class VaultProviderFactory implements CredentialProviderFactory<VaultProviderSettings> {

	private final ObjectProvider<VaultOperations> applicationVault;

	private final ObjectProvider<SessionManager> applicationSession;

	VaultProviderFactory(ObjectProvider<VaultOperations> applicationVault,
			ObjectProvider<SessionManager> applicationSession) {
		this.applicationVault = applicationVault;
		this.applicationSession = applicationSession;
	}

	@Override
	public ProviderType type() {
		return ProviderType.VAULT;
	}

	@Override
	public Class<VaultProviderSettings> settingsType() {
		return VaultProviderSettings.class;
	}

	/**
	 * A dynamic role's switch-over brings a new user, and the old one is dropped when its
	 * lease ends: its pooled connections must go before that.
	 */
	@Override
	public OnRotation defaultOnRotation() {
		return OnRotation.EVICT;
	}

	@Override
	public CredentialProvider create(ProviderContext context, VaultProviderSettings settings) {
		if (!StringUtils.hasText(settings.getRole())) {
			throw context.missing("provider.vault.role", "the vault provider needs the name of a Vault database role");
		}
		if (settings.getSwitchOverBefore().isNegative() || settings.getSwitchOverBefore().isZero()
				|| settings.getRenewBefore().compareTo(settings.getSwitchOverBefore()) < 0) {
			throw context.invalid("refreshing.datasource.provider.vault.renew-before (" + settings.getRenewBefore()
					+ ") must not be shorter than switch-over-before (" + settings.getSwitchOverBefore()
					+ "), which must be positive.",
					"Set refreshing.datasource.provider.vault.renew-before to at least switch-over-before, e.g. "
							+ "renew-before=2m and switch-over-before=1m.");
		}
		String mount = trimSlashes(settings.getMount());
		VaultClient client = VaultClient.create(context, settings, this.applicationVault, this.applicationSession);
		if (settings.getRoleType() == VaultProviderSettings.RoleType.STATIC) {
			return new VaultStaticCredentialProvider(client.operations(), mount + "/static-creds/" + settings.getRole(),
					settings.getRotationJitter(), client);
		}
		boolean keep = !settings.isRevokeOnShutdown();
		return new VaultDynamicCredentialProvider(client.operations(), mount + "/creds/" + settings.getRole(),
				client.scheduler(), client.sessionEvents(),
				new VaultLeaseSettings(settings.getRenewBefore(), settings.getSwitchOverBefore(), !keep),
				() -> client.close(keep));
	}

	@Override
	public @Nullable String credentialSource(VaultProviderSettings settings) {
		return trimSlashes(settings.getMount()) + "/"
				+ ((settings.getRoleType() == VaultProviderSettings.RoleType.STATIC) ? "static-creds/" : "creds/")
				+ settings.getRole();
	}

	@Override
	public String rejectionHint(@Nullable String source, @Nullable String username) {
		String user = (username != null) ? "'" + username + "'" : "the user";
		return "Check the Vault database role behind " + ((source != null) ? source : "(not known)")
				+ ": its connection (vault read <mount>/config/<name>) must reach this database, its creation "
				+ "statements must let " + user + " log in, and the lease must not have been revoked "
				+ "(vault lease lookup).";
	}

	private static String trimSlashes(String path) {
		String trimmed = path;
		while (trimmed.startsWith("/")) {
			trimmed = trimmed.substring(1);
		}
		while (trimmed.endsWith("/")) {
			trimmed = trimmed.substring(0, trimmed.length() - 1);
		}
		return trimmed;
	}

}
