package io.github.refreshingdatasource.autoconfigure.provider.vault;

import io.github.refreshingdatasource.autoconfigure.ProviderType;
import io.github.refreshingdatasource.autoconfigure.provider.ConditionalOnProviderType;
import io.github.refreshingdatasource.autoconfigure.provider.CredentialProviderFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.vault.authentication.SessionManager;
import org.springframework.vault.core.VaultOperations;

/**
 * The {@code vault} provider: Vault database secrets through Spring Vault
 * ({@code org.springframework.vault:spring-vault-core}), with the application's
 * {@link VaultOperations} (and {@link SessionManager}) when it has them, as Spring Cloud
 * Vault provides, otherwise with a client of its own.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProviderType(ProviderType.VAULT)
@ConditionalOnClass(name = "org.springframework.vault.core.lease.SecretLeaseContainer")
class VaultProviderConfiguration {

	@Bean
	CredentialProviderFactory<VaultProviderSettings> vaultCredentialProviderFactory(
			ObjectProvider<VaultOperations> applicationVault, ObjectProvider<SessionManager> applicationSession) {
		return new VaultProviderFactory(applicationVault, applicationSession);
	}

}
