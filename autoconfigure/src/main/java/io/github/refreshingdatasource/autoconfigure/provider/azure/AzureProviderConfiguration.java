package io.github.refreshingdatasource.autoconfigure.provider.azure;

import com.azure.core.credential.TokenCredential;
import io.github.refreshingdatasource.autoconfigure.ProviderType;
import io.github.refreshingdatasource.autoconfigure.provider.ConditionalOnProviderType;
import io.github.refreshingdatasource.autoconfigure.provider.CredentialProviderFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code azure} provider: Microsoft Entra ID access tokens from Azure Identity
 * ({@code com.azure:azure-identity}). Each DataSource gets its own credential, built once at
 * startup, unless the application provides a {@link TokenCredential} bean.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProviderType(ProviderType.AZURE)
@ConditionalOnClass(name = "com.azure.identity.DefaultAzureCredentialBuilder")
class AzureProviderConfiguration {

	@Bean
	CredentialProviderFactory<AzureProviderSettings> azureCredentialProviderFactory(ObjectProvider<TokenCredential> applicationCredential) {
		return new AzureProviderFactory(applicationCredential);
	}

}
