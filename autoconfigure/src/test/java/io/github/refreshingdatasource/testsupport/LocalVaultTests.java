package io.github.refreshingdatasource.testsupport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.vault.authentication.AppRoleAuthentication;
import org.springframework.vault.authentication.AppRoleAuthenticationOptions;
import org.springframework.vault.authentication.AppRoleAuthenticationOptions.RoleId;
import org.springframework.vault.authentication.AppRoleAuthenticationOptions.SecretId;
import org.springframework.vault.authentication.KubernetesAuthentication;
import org.springframework.vault.authentication.KubernetesAuthenticationOptions;
import org.springframework.vault.authentication.TokenAuthentication;
import org.springframework.vault.authentication.VaultLoginException;
import org.springframework.vault.client.RestTemplateBuilder;
import org.springframework.vault.client.VaultEndpoint;
import org.springframework.vault.core.VaultTemplate;
import org.springframework.vault.support.VaultResponse;
import org.springframework.web.client.RestTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The Vault stand-in answers as Vault's documented API does, to Spring Vault itself and to
 * plain HTTP, and its database engine really manages roles in the SCRAM PostgreSQL.
 */
class LocalVaultTests {

	private static final JsonMapper json = JsonMapper.shared();

	private static ScramPostgres postgres;

	private static LocalVault vault;

	private static VaultTemplate template;

	@BeforeAll
	static void start() throws Exception {
		postgres = ScramPostgres.start();
		vault = LocalVault.start(postgres);
		vault.database().dynamicRole("short", Duration.ofSeconds(2), Duration.ofSeconds(4));
		vault.database().dynamicRole("long", Duration.ofSeconds(60), Duration.ofSeconds(90));
		vault.database().staticRole("app", "app_user", Duration.ofHours(1));
		template = new VaultTemplate(VaultEndpoint.from(vault.uri()), new TokenAuthentication(vault.rootToken()));
	}

	@AfterAll
	static void stop() {
		vault.close();
		postgres.close();
	}

	@Test
	void dynamicCredentialsLogInUntilRevokedAndRevocationEndsSessions() throws Exception {
		VaultResponse creds = template.read("database/creds/long");
		assertThat(creds.getLeaseId()).startsWith("database/creds/long/");
		assertThat(creds.isRenewable()).isTrue();
		assertThat(creds.getLeaseDuration()).isBetween(59L, 60L);
		String username = (String) creds.getRequiredData().get("username");
		String password = (String) creds.getRequiredData().get("password");
		try (Connection session = postgres.connect(username, password)) {
			VaultResponse renewed = template.write("sys/leases/renew",
					Map.of("lease_id", creds.getLeaseId(), "increment", "120"));
			// Capped by max_ttl (90 s from issue), with Vault's warning.
			assertThat(renewed.getLeaseDuration()).isBetween(85L, 90L);
			assertThat(renewed.getWarnings()).singleElement().asString().contains("max_ttl");
			template.write("sys/leases/revoke", Map.of("lease_id", creds.getLeaseId()));
			assertThat(postgres.roleExists(username)).isFalse();
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> {
				try (Statement statement = session.createStatement()) {
					statement.execute("SELECT 1");
				}
			});
		}
		assertThat(vault.database().droppedUsernames()).contains(username);
	}

	@Test
	void leaseEndDropsTheRoleAndRenewingAnEndedLeaseAnswers400() throws Exception {
		VaultResponse creds = template.read("database/creds/short");
		String username = (String) creds.getRequiredData().get("username");
		await().atMost(Duration.ofSeconds(20)).until(() -> !postgres.roleExists(username));
		HttpResponse<String> response = http("PUT", "/v1/sys/leases/renew", vault.rootToken(),
				"{\"lease_id\":\"" + creds.getLeaseId() + "\"}");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(json.readTree(response.body()).get("errors").get(0).asString()).isEqualTo("lease not found");
	}

	@Test
	void staticRolePasswordRotatesAndOpenSessionsStay() throws Exception {
		Map<String, Object> before = template.read("database/static-creds/app").getRequiredData();
		assertThat(before).containsKeys("username", "password", "ttl", "last_vault_rotation", "rotation_period");
		assertThat(((Number) before.get("ttl")).longValue()).isBetween(3590L, 3600L);
		try (Connection session = postgres.connect("app_user", (String) before.get("password"))) {
			vault.database().rotateNow("app");
			String after = (String) template.read("database/static-creds/app").getRequiredData().get("password");
			assertThat(after).isNotEqualTo(before.get("password"));
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> postgres.connect("app_user", (String) before.get("password")).close())
				.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo(ScramPostgres.INVALID_PASSWORD));
			postgres.connect("app_user", after).close();
			try (Statement statement = session.createStatement()) {
				statement.execute("SELECT 1");
			}
		}
	}

	@Test
	void appRoleAndKubernetesLoginsIssueRenewableTokens() throws Exception {
		vault.appRole("role-1", "secret-1");
		vault.kubernetesRole("app", "jwt-1");
		RestTemplate rest = RestTemplateBuilder.builder().endpoint(VaultEndpoint.from(vault.uri())).build();
		String appRoleToken = new AppRoleAuthentication(AppRoleAuthenticationOptions.builder()
			.roleId(RoleId.provided("role-1"))
			.secretId(SecretId.provided("secret-1"))
			.build(), rest).login().getToken();
		assertThat(vault.tokenValid(appRoleToken)).isTrue();
		String kubernetesToken = new KubernetesAuthentication(
				KubernetesAuthenticationOptions.builder().role("app").jwtSupplier(() -> "jwt-1").build(), rest).login()
			.getToken();
		JsonNode lookup = json.readTree(http("GET", "/v1/auth/token/lookup-self", kubernetesToken, null).body());
		assertThat(lookup.get("data").get("renewable").asBoolean()).isTrue();
		assertThat(lookup.get("data").get("ttl").asLong()).isPositive();
		assertThatExceptionOfType(VaultLoginException.class)
			.isThrownBy(() -> new AppRoleAuthentication(AppRoleAuthenticationOptions.builder()
				.roleId(RoleId.provided("role-1"))
				.secretId(SecretId.provided("wrong"))
				.build(), rest).login())
			.withMessageContaining("invalid secret id");
	}

	@Test
	void errorsComeAsVaultShapesThem() throws Exception {
		HttpResponse<String> noToken = http("GET", "/v1/database/creds/long", null, null);
		assertThat(noToken.statusCode()).isEqualTo(403);
		assertThat(noToken.body()).isEqualTo("{\"errors\":[\"permission denied\"]}");
		assertThat(http("GET", "/v1/nothing/here", vault.rootToken(), null).body()).isEqualTo("{\"errors\":[]}");
		vault.seal();
		try {
			HttpResponse<String> sealed = http("GET", "/v1/database/creds/long", vault.rootToken(), null);
			assertThat(sealed.statusCode()).isEqualTo(503);
			assertThat(sealed.body()).isEqualTo("{\"errors\":[\"Vault is sealed\"]}");
		}
		finally {
			vault.unseal();
		}
	}

	private static HttpResponse<String> http(String method, String path, String token, String body) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(vault.uri() + path))
			.method(method, (body != null) ? HttpRequest.BodyPublishers.ofString(body) : HttpRequest.BodyPublishers.noBody());
		if (token != null) {
			request.header("X-Vault-Token", token);
		}
		return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
