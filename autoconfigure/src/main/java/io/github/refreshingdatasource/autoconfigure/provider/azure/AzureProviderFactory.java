package io.github.refreshingdatasource.autoconfigure.provider.azure;

import java.util.Locale;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.AzureAuthorityHosts;
import com.azure.identity.AzureCliCredentialBuilder;
import com.azure.identity.ClientCertificateCredentialBuilder;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.identity.WorkloadIdentityCredentialBuilder;
import io.github.refreshingdatasource.autoconfigure.ProviderType;
import io.github.refreshingdatasource.autoconfigure.RefreshingDataSourceConfigurationException;
import io.github.refreshingdatasource.autoconfigure.provider.CredentialProviderFactory;
import io.github.refreshingdatasource.autoconfigure.provider.ProviderContext;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.autoconfigure.provider.azure.AzureProviderSettings.AzureCredentialType;
import io.github.refreshingdatasource.credentials.provider.azure.AzureCredentialProvider;
import io.github.refreshingdatasource.credentials.provider.azure.AzureTokenScope;
import io.github.refreshingdatasource.jdbc.JdbcUrl;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.util.StringUtils;

/**
 * The {@code azure} provider: Microsoft Entra ID access tokens from Azure Identity
 * ({@code com.azure:azure-identity}). Each DataSource gets its own credential, built once at
 * startup, unless the application provides a {@link TokenCredential} bean.
 */
final class AzureProviderFactory implements CredentialProviderFactory<AzureProviderSettings> {

	private static final String PREFIX = "provider.azure.";

	private final ObjectProvider<TokenCredential> applicationCredential;

	AzureProviderFactory(ObjectProvider<TokenCredential> applicationCredential) {
		this.applicationCredential = applicationCredential;
	}

	@Override
	public ProviderType type() {
		return ProviderType.AZURE;
	}

	@Override
	public Class<AzureProviderSettings> settingsType() {
		return AzureProviderSettings.class;
	}

	@Override
	public CredentialProvider create(ProviderContext context, AzureProviderSettings settings) {
		String scope = scope(context, settings);
		TokenCredential credential = (settings.getCredential() == null) ? this.applicationCredential.getIfUnique() : null;
		if (credential == null) {
			credential = build(context, settings);
		}
		return new AzureCredentialProvider(credential, scope, context.fetchTimeout());
	}

	@Override
	public String rejectionHint(@Nullable String source, @Nullable String username) {
		String role = (username != null) ? username : "<user>";
		return "Map the Microsoft Entra identity to the database role: the server's Entra admin creates "
				+ "the role for it (PostgreSQL: SELECT * FROM pgaadauth_create_principal('" + role
				+ "', false, false)); the username must be the identity's name, and the token's audience the "
				+ "database (https://ossrdbms-aad.database.windows.net).";
	}

	private static String scope(ProviderContext context, AzureProviderSettings settings) {
		if (StringUtils.hasText(settings.getScope())) {
			return settings.getScope();
		}
		AzureTokenScope.Database database = settings.getDatabase();
		if (database == null) {
			database = switch (JdbcUrl.parse(context.jdbcUrl()).vendor()) {
				case POSTGRESQL -> AzureTokenScope.Database.POSTGRESQL;
				case MYSQL, MARIADB -> AzureTokenScope.Database.MYSQL;
				case SQLSERVER -> AzureTokenScope.Database.SQLSERVER;
				case OTHER -> null;
			};
		}
		if (database == null) {
			throw context.missing(PREFIX + "database",
					"the azure provider chooses the token scope by database, and the JDBC URL is not a PostgreSQL, "
							+ "MySQL or SQL Server one");
		}
		return AzureTokenScope.of(database, settings.getCloud());
	}

	private static TokenCredential build(ProviderContext context, AzureProviderSettings settings) {
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
				.tenantId(required(context, type, "tenant-id", tenantId))
				.clientId(required(context, type, "client-id", clientId))
				.clientSecret(required(context, type, "client-secret", settings.getClientSecret()))
				.build();
			case CLIENT_CERTIFICATE -> {
				String path = required(context, type, "certificate-path", settings.getCertificatePath());
				ClientCertificateCredentialBuilder builder = new ClientCertificateCredentialBuilder()
					.authorityHost(authorityHost)
					.tenantId(required(context, type, "tenant-id", tenantId))
					.clientId(required(context, type, "client-id", clientId));
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

	private static String required(ProviderContext context, AzureCredentialType type, String property,
			@Nullable String value) {
		if (!StringUtils.hasText(value)) {
			throw context.missing(PREFIX + property,
					"credential " + type.name().toLowerCase(Locale.ROOT).replace('_', '-') + " needs " + property);
		}
		return value;
	}

}
