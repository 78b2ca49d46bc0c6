package io.github.refreshingdatasource.autoconfigure.provider.vault;

import java.time.Duration;

import io.github.refreshingdatasource.autoconfigure.provider.ProviderContext;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.util.StringUtils;
import org.springframework.vault.authentication.AppRoleAuthentication;
import org.springframework.vault.authentication.AppRoleAuthenticationOptions;
import org.springframework.vault.authentication.AppRoleAuthenticationOptions.RoleId;
import org.springframework.vault.authentication.AppRoleAuthenticationOptions.SecretId;
import org.springframework.vault.authentication.ClientAuthentication;
import org.springframework.vault.authentication.KubernetesAuthentication;
import org.springframework.vault.authentication.KubernetesAuthenticationOptions;
import org.springframework.vault.authentication.KubernetesServiceAccountTokenFile;
import org.springframework.vault.authentication.LifecycleAwareSessionManager;
import org.springframework.vault.authentication.SessionManager;
import org.springframework.vault.authentication.TokenAuthentication;
import org.springframework.vault.authentication.event.AuthenticationEventMulticaster;
import org.springframework.vault.client.ClientHttpRequestFactoryFactory;
import org.springframework.vault.client.RestTemplateBuilder;
import org.springframework.vault.client.VaultEndpoint;
import org.springframework.vault.client.VaultHttpHeaders;
import org.springframework.vault.core.VaultOperations;
import org.springframework.vault.core.VaultTemplate;
import org.springframework.vault.support.ClientOptions;
import org.springframework.vault.support.SslConfiguration;
import org.springframework.web.client.RestTemplate;

/**
 * The Vault client one DataSource's provider uses: the application's, or one built from
 * {@code refreshing.datasource.provider.vault.*} with Spring Vault's
 * {@link ClientAuthentication} and a {@link LifecycleAwareSessionManager} that renews the
 * login token. Also the scheduler that renews leases. Closing it releases only what it
 * built.
 *
 * @param operations the client
 * @param sessionEvents the session manager's events, if it publishes them
 * @param scheduler runs lease (and own session) renewals
 * @param ownSession the session manager built here, revoked on close, if any
 */
record VaultClient(VaultOperations operations, @Nullable AuthenticationEventMulticaster sessionEvents,
		ThreadPoolTaskScheduler scheduler, @Nullable LifecycleAwareSessionManager ownSession) implements AutoCloseable {

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

	static VaultClient create(ProviderContext context, VaultProviderSettings settings,
			ObjectProvider<VaultOperations> applicationVault, ObjectProvider<SessionManager> applicationSession) {
		ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
		scheduler.setDaemon(true);
		scheduler.setPoolSize(2);
		scheduler.setThreadNamePrefix("refreshing-datasource-" + context.dataSourceName() + "-vault-");
		scheduler.initialize();
		VaultOperations application = applicationVault.getIfUnique();
		if (application != null) {
			SessionManager session = applicationSession.getIfUnique();
			return new VaultClient(application,
					(session instanceof AuthenticationEventMulticaster events) ? events : null, scheduler, null);
		}
		if (settings.getUri() == null) {
			scheduler.destroy();
			throw context.missing("provider.vault.uri",
					"the vault provider needs a Vault address and the application has no VaultTemplate bean");
		}
		ClientHttpRequestFactory requests = ClientHttpRequestFactoryFactory
			.create(new ClientOptions(CONNECT_TIMEOUT, context.fetchTimeout()), SslConfiguration.unconfigured());
		RestTemplateBuilder builder = RestTemplateBuilder.builder()
			.endpoint(VaultEndpoint.from(settings.getUri()))
			.requestFactory(requests);
		if (StringUtils.hasText(settings.getNamespace())) {
			builder.defaultHeader(VaultHttpHeaders.VAULT_NAMESPACE, settings.getNamespace());
		}
		RestTemplate rest = builder.build();
		ClientAuthentication authentication;
		try {
			authentication = authentication(context, settings, rest);
		}
		catch (RuntimeException ex) {
			scheduler.destroy();
			throw ex;
		}
		LifecycleAwareSessionManager session = new LifecycleAwareSessionManager(authentication, scheduler, rest);
		VaultTemplate template = new VaultTemplate(builder, session);
		return new VaultClient(template, session, scheduler, session);
	}

	private static ClientAuthentication authentication(ProviderContext context, VaultProviderSettings settings,
			RestTemplate rest) {
		return switch (settings.getAuthentication()) {
			case TOKEN -> {
				if (!StringUtils.hasText(settings.getToken())) {
					throw context.missing("provider.vault.token", "Vault authentication is token");
				}
				yield new TokenAuthentication(settings.getToken());
			}
			case APPROLE -> {
				VaultProviderSettings.AppRole appRole = settings.getAppRole();
				if (!StringUtils.hasText(appRole.getRoleId())) {
					throw context.missing("provider.vault.app-role.role-id", "Vault authentication is approle");
				}
				SecretId secretId = StringUtils.hasText(appRole.getSecretId()) ? SecretId.provided(appRole.getSecretId())
						: SecretId.absent();
				yield new AppRoleAuthentication(AppRoleAuthenticationOptions.builder()
					.path(appRole.getPath())
					.roleId(RoleId.provided(appRole.getRoleId()))
					.secretId(secretId)
					.build(), rest);
			}
			case KUBERNETES -> {
				VaultProviderSettings.Kubernetes kubernetes = settings.getKubernetes();
				if (!StringUtils.hasText(kubernetes.getRole())) {
					throw context.missing("provider.vault.kubernetes.role", "Vault authentication is kubernetes");
				}
				yield new KubernetesAuthentication(KubernetesAuthenticationOptions.builder()
					.path(kubernetes.getPath())
					.role(kubernetes.getRole())
					.jwtSupplier(new KubernetesServiceAccountTokenFile(kubernetes.getServiceAccountTokenFile()))
					.build(), rest);
			}
		};
	}

	/**
	 * Stop the scheduler and, when the session is this client's own, revoke its login
	 * token: Vault then revokes the leases that token took, so a client whose leases are
	 * to be kept leaves its session alone.
	 * @param keepLeases whether leases must survive
	 */
	void close(boolean keepLeases) {
		if (this.ownSession != null && !keepLeases) {
			this.ownSession.destroy();
		}
		this.scheduler.destroy();
	}

	@Override
	public void close() {
		close(false);
	}

}
