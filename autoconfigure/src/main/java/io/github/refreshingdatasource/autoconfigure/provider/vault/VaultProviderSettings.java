package io.github.refreshingdatasource.autoconfigure.provider.vault;

import java.net.URI;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Database credentials from HashiCorp Vault's database secrets engine, through Spring
 * Vault. The connection settings are used only when the application has no
 * {@code VaultTemplate} bean (Spring Cloud Vault users configure it under
 * {@code spring.cloud.vault.*}).
 */
@ConfigurationProperties("refreshing.datasource.provider.vault")
public class VaultProviderSettings {

	/**
	 * Mount path of the database secrets engine.
	 */
	private String mount = "database";

	/**
	 * Name of the Vault role whose credentials the DataSource uses.
	 */
	private @Nullable String role;

	/**
	 * Kind of the role: dynamic (a new user per lease, GET mount/creds/role) or static (one
	 * user whose password Vault rotates, GET mount/static-creds/role).
	 */
	private RoleType roleType = RoleType.DYNAMIC;

	/**
	 * How long before a dynamic lease ends it is renewed.
	 */
	private Duration renewBefore = Duration.ofMinutes(2);

	/**
	 * How long before a dynamic lease ends, at the latest, new credentials replace it when
	 * renewal cannot reach further (the role's max_ttl). Pooled connections of the old
	 * user are retired in this time, so it must exceed the longest a connection stays
	 * borrowed. At most a third of the lease duration is used.
	 */
	private Duration switchOverBefore = Duration.ofMinutes(1);

	/**
	 * Whether the dynamic leases this application took are revoked when it stops, so that
	 * their users are dropped at once rather than at the lease's end.
	 */
	private boolean revokeOnShutdown = true;

	/**
	 * Longest delay after a static role's rotation before the new password is fetched, so
	 * that many instances do not all ask at once; logins in between are retried with the
	 * new password.
	 */
	private Duration rotationJitter = Duration.ofSeconds(5);

	/**
	 * Vault address, e.g. https://vault.example.com:8200. Used when the application has no
	 * VaultTemplate bean.
	 */
	private @Nullable URI uri;

	/**
	 * Vault Enterprise namespace, sent as X-Vault-Namespace.
	 */
	private @Nullable String namespace;

	/**
	 * How this application logs in to Vault when it has no VaultTemplate bean.
	 */
	private AuthenticationMethod authentication = AuthenticationMethod.TOKEN;

	/**
	 * Vault token, for authentication=token.
	 */
	private @Nullable String token;

	private final AppRole appRole = new AppRole();

	private final Kubernetes kubernetes = new Kubernetes();

	public String getMount() {
		return this.mount;
	}

	public void setMount(String mount) {
		this.mount = mount;
	}

	public @Nullable String getRole() {
		return this.role;
	}

	public void setRole(@Nullable String role) {
		this.role = role;
	}

	public RoleType getRoleType() {
		return this.roleType;
	}

	public void setRoleType(RoleType roleType) {
		this.roleType = roleType;
	}

	public Duration getRenewBefore() {
		return this.renewBefore;
	}

	public void setRenewBefore(Duration renewBefore) {
		this.renewBefore = renewBefore;
	}

	public Duration getSwitchOverBefore() {
		return this.switchOverBefore;
	}

	public void setSwitchOverBefore(Duration switchOverBefore) {
		this.switchOverBefore = switchOverBefore;
	}

	public boolean isRevokeOnShutdown() {
		return this.revokeOnShutdown;
	}

	public void setRevokeOnShutdown(boolean revokeOnShutdown) {
		this.revokeOnShutdown = revokeOnShutdown;
	}

	public Duration getRotationJitter() {
		return this.rotationJitter;
	}

	public void setRotationJitter(Duration rotationJitter) {
		this.rotationJitter = rotationJitter;
	}

	public @Nullable URI getUri() {
		return this.uri;
	}

	public void setUri(@Nullable URI uri) {
		this.uri = uri;
	}

	public @Nullable String getNamespace() {
		return this.namespace;
	}

	public void setNamespace(@Nullable String namespace) {
		this.namespace = namespace;
	}

	public AuthenticationMethod getAuthentication() {
		return this.authentication;
	}

	public void setAuthentication(AuthenticationMethod authentication) {
		this.authentication = authentication;
	}

	public @Nullable String getToken() {
		return this.token;
	}

	public void setToken(@Nullable String token) {
		this.token = token;
	}

	public AppRole getAppRole() {
		return this.appRole;
	}

	public Kubernetes getKubernetes() {
		return this.kubernetes;
	}

	/** Kinds of database secrets engine roles. */
	public enum RoleType {

		/** A new database user per lease; leases are renewed up to max_ttl, then replaced. */
		DYNAMIC,

		/** One database user whose password Vault rotates every rotation_period. */
		STATIC

	}

	/** Vault login methods, each through Spring Vault's ClientAuthentication. */
	public enum AuthenticationMethod {

		/** A given token. */
		TOKEN,

		/** AppRole: role id and secret id. */
		APPROLE,

		/** Kubernetes: the pod's service account token. */
		KUBERNETES

	}

	/**
	 * AppRole login.
	 */
	public static class AppRole {

		/**
		 * Role id of the AppRole.
		 */
		private @Nullable String roleId;

		/**
		 * Secret id of the AppRole.
		 */
		private @Nullable String secretId;

		/**
		 * Mount path of the AppRole auth method.
		 */
		private String path = "approle";

		public @Nullable String getRoleId() {
			return this.roleId;
		}

		public void setRoleId(@Nullable String roleId) {
			this.roleId = roleId;
		}

		public @Nullable String getSecretId() {
			return this.secretId;
		}

		public void setSecretId(@Nullable String secretId) {
			this.secretId = secretId;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

	}

	/**
	 * Kubernetes login.
	 */
	public static class Kubernetes {

		/**
		 * Vault role bound to the pod's service account.
		 */
		private @Nullable String role;

		/**
		 * File holding the service account token, re-read at each login.
		 */
		private String serviceAccountTokenFile = "/var/run/secrets/kubernetes.io/serviceaccount/token";

		/**
		 * Mount path of the Kubernetes auth method.
		 */
		private String path = "kubernetes";

		public @Nullable String getRole() {
			return this.role;
		}

		public void setRole(@Nullable String role) {
			this.role = role;
		}

		public String getServiceAccountTokenFile() {
			return this.serviceAccountTokenFile;
		}

		public void setServiceAccountTokenFile(String serviceAccountTokenFile) {
			this.serviceAccountTokenFile = serviceAccountTokenFile;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			this.path = path;
		}

	}

}
