package io.github.refreshingdatasource.autoconfigure;

import java.util.Locale;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.AzureAuthorityHosts;
import com.azure.identity.AzureCliCredentialBuilder;
import com.azure.identity.ClientCertificateCredentialBuilder;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.identity.WorkloadIdentityCredentialBuilder;
import io.github.refreshingdatasource.autoconfigure.CredentialProperties.AzureCredentialType;
import io.github.refreshingdatasource.credentials.provider.azure.AzureCredentialProvider;
import io.github.refreshingdatasource.credentials.provider.azure.AzureTokenScope;
import io.github.refreshingdatasource.jdbc.JdbcUrl;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.StringUtils;

/**
 * The {@code azure} provider: Microsoft Entra ID access tokens from Azure Identity
 * ({@code com.azure:azure-identity}). Each DataSource gets its own credential, built once at
 * startup, unless the application provides a {@link TokenCredential} bean.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProviderType(ProviderType.AZURE)
@ConditionalOnClass(name = "com.azure.identity.DefaultAzureCredentialBuilder")
class AzureProviderConfiguration {

	private static final String PREFIX = "provider.azure.";

	@Bean
	CredentialProviderFactory azureCredentialProviderFactory(ObjectProvider<TokenCredential> applicationCredential) {
		return new ProviderFactory(ProviderType.AZURE, (dataSourceName, properties, dataSource) -> {
			CredentialProperties.Azure settings = properties.getProvider().getAzure();
			String scope = scope(dataSourceName, settings, dataSource);
			TokenCredential credential = (settings.getCredential() == null) ? applicationCredential.getIfUnique() : null;
			if (credential == null) {
				credential = build(dataSourceName, settings);
			}
			return new AzureCredentialProvider(credential, scope, properties.getRefresh().getFetchTimeout());
		});
	}

	private static String scope(String dataSourceName, CredentialProperties.Azure settings,
			DataSourceDetails dataSource) {
		if (StringUtils.hasText(settings.getScope())) {
			return settings.getScope();
		}
		AzureTokenScope.Database database = settings.getDatabase();
		if (database == null) {
			database = switch (JdbcUrl.parse(dataSource.jdbcUrl()).vendor()) {
				case POSTGRESQL -> AzureTokenScope.Database.POSTGRESQL;
				case MYSQL, MARIADB -> AzureTokenScope.Database.MYSQL;
				case SQLSERVER -> AzureTokenScope.Database.SQLSERVER;
				case OTHER -> null;
			};
		}
		if (database == null) {
			throw ProviderFactory.missing(dataSourceName, PREFIX + "database",
					"the azure provider chooses the token scope by database, and the JDBC URL is not a PostgreSQL, "
							+ "MySQL or SQL Server one");
		}
		return AzureTokenScope.of(database, settings.getCloud());
	}

	private static TokenCredential build(String dataSourceName, CredentialProperties.Azure settings) {
		AzureCredentialType type = (settings.getCredential() != null) ? settings.getCredential()
				: AzureCredentialType.DEFAULT;
		String authorityHost = StringUtils.hasText(settings.getAuthorityHost()) ? settings.getAuthorityHost()
				: switch (settings.getCloud()) {
					case AZURE -> AzureAuthorityHosts.AZURE_PUBLIC_CLOUD;
					case AZURE_CHINA -> AzureAuthorityHosts.AZURE_CHINA;
					case AZURE_US_GOVERNMENT -> AzureAuthorityHosts.AZURE_GOVERNMENT;
				};
		String clientId = settings.getClientId();
		String tenantId = settings.getTenantId();
		return switch (type) {
			case DEFAULT -> {
				DefaultAzureCredentialBuilder builder = new DefaultAzureCredentialBuilder().authorityHost(authorityHost);
				if (StringUtils.hasText(clientId)) {
					builder.managedIdentityClientId(clientId).workloadIdentityClientId(clientId);
				}
				if (StringUtils.hasText(tenantId)) {
					builder.tenantId(tenantId);
				}
				yield builder.build();
			}
			case MANAGED_IDENTITY -> {
				ManagedIdentityCredentialBuilder builder = new ManagedIdentityCredentialBuilder();
				if (StringUtils.hasText(clientId)) {
					builder.clientId(clientId);
				}
				yield builder.build();
			}
			case WORKLOAD_IDENTITY -> {
				WorkloadIdentityCredentialBuilder builder = new WorkloadIdentityCredentialBuilder()
					.authorityHost(authorityHost);
				if (StringUtils.hasText(clientId)) {
					builder.clientId(clientId);
				}
				if (StringUtils.hasText(tenantId)) {
					builder.tenantId(tenantId);
				}
				yield builder.build();
			}
			case CLIENT_SECRET -> new ClientSecretCredentialBuilder().authorityHost(authorityHost)
				.tenantId(required(dataSourceName, type, "tenant-id", tenantId))
				.clientId(required(dataSourceName, type, "client-id", clientId))
				.clientSecret(required(dataSourceName, type, "client-secret", settings.getClientSecret()))
				.build();
			case CLIENT_CERTIFICATE -> {
				String path = required(dataSourceName, type, "certificate-path", settings.getCertificatePath());
				ClientCertificateCredentialBuilder builder = new ClientCertificateCredentialBuilder()
					.authorityHost(authorityHost)
					.tenantId(required(dataSourceName, type, "tenant-id", tenantId))
					.clientId(required(dataSourceName, type, "client-id", clientId));
				if (path.toLowerCase(Locale.ROOT).endsWith(".pem")) {
					builder.pemCertificate(path);
				}
				else {
					builder.pfxCertificate(path);
					if (StringUtils.hasLength(settings.getCertificatePassword())) {
						builder.clientCertificatePassword(settings.getCertificatePassword());
					}
				}
				yield builder.build();
			}
			case AZURE_CLI -> {
				AzureCliCredentialBuilder builder = new AzureCliCredentialBuilder();
				if (StringUtils.hasText(tenantId)) {
					builder.tenantId(tenantId);
				}
				yield builder.build();
			}
		};
	}

	private static String required(String dataSourceName, AzureCredentialType type, String property,
			@Nullable String value) {
		if (!StringUtils.hasText(value)) {
			throw ProviderFactory.missing(dataSourceName, PREFIX + property,
					"credential " + type.name().toLowerCase(Locale.ROOT).replace('_', '-') + " needs " + property);
		}
		return value;
	}

}
