package io.github.refreshingdatasource.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.testsupport.LocalVault;
import io.github.refreshingdatasource.testsupport.PoolLoad;
import io.github.refreshingdatasource.testsupport.ScramPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.vault.core.lease.SecretLeaseContainer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code vault} provider end to end: Spring Vault is the real client, against
 * {@link LocalVault}, which stands in for Vault because no Vault can run here (it is
 * neither in Debian nor on Maven Central) and manages real roles in the SCRAM-only
 * PostgreSQL as Vault's database secrets engine does. TTLs are seconds, so a lease reaches
 * its max_ttl several times within one test.
 */
@ExtendWith(OutputCaptureExtension.class)
class VaultProviderIntegrationTests {

	private static ScramPostgres postgres;

	private static LocalVault vault;

	@BeforeAll
	static void start() throws Exception {
		postgres = ScramPostgres.start();
		vault = LocalVault.start(postgres);
		// ttl 4 s, max_ttl 9 s: renewed 2 s before each end, replaced by a new user 2 s before
		// the max_ttl, about every 7 s.
		vault.database().dynamicRole("app", Duration.ofSeconds(4), Duration.ofSeconds(9));
		vault.database().dynamicRole("long", Duration.ofSeconds(60), Duration.ofSeconds(120));
		vault.database().staticRole("static-app", "static_user", Duration.ofSeconds(4));
	}

	@AfterAll
	static void stop() {
		vault.close();
		postgres.close();
	}

	@AfterEach
	void noSecretInOutput(CapturedOutput output) {
		assertThat(vault.database().passwords()).isNotEmpty();
		for (String password : vault.database().passwords()) {
			assertThat(output.getAll()).as("captured output must not contain a password").doesNotContain(password);
		}
		assertThat(output.getAll()).doesNotContain(vault.rootToken());
	}

	private ApplicationContextRunner runner(String... properties) {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataSourceAutoConfiguration.class, RefreshingDataSourceAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=" + postgres.jdbcUrl(),
					"spring.datasource.hikari.maximum-pool-size=8", "spring.datasource.hikari.connection-timeout=10000",
					"refreshing.datasource.provider.type=vault", "refreshing.datasource.provider.vault.uri=" + vault.uri(),
					"refreshing.datasource.provider.vault.token=" + vault.rootToken(),
					"refreshing.datasource.refresh.before-expiry=1s", "refreshing.datasource.refresh.jitter=0s")
			.withPropertyValues(properties);
	}

	@Test
	void dynamicRoleRenewsThenSwitchesUsersUnderLoadWithoutFailedQueriesAndRevokesOnClose() {
		int issuedBefore = vault.database().issued();
		int renewalsBefore = vault.database().renewals();
		List<String> users = new ArrayList<>();
		runner("refreshing.datasource.provider.vault.role=app", "refreshing.datasource.provider.vault.renew-before=2s",
				"refreshing.datasource.provider.vault.switch-over-before=2s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				users.add(PoolLoad.query(pool));
				PoolLoad.Result result = PoolLoad.run(pool, Duration.ofSeconds(18), 16, Duration.ofMillis(700));
				assertThat(result.failures()).as("failed queries").isEmpty();
				assertThat(result.queries()).isPositive();
				users.add(PoolLoad.query(pool));
			});
		int issued = vault.database().issued() - issuedBefore;
		// At least two switch-overs: three leases, each renewed before its max_ttl.
		assertThat(issued).as("leases (users) issued").isGreaterThanOrEqualTo(3);
		assertThat(vault.database().renewals() - renewalsBefore).as("renewals").isGreaterThanOrEqualTo(issued - 1);
		assertThat(users.get(0)).isNotEqualTo(users.get(1));
		// Closing the context revoked the leases: their users are gone.
		assertThat(vault.database().liveUsernames()).filteredOn((user) -> user.contains("-app-")).isEmpty();
		assertThat(postgres.roleExists(users.get(1))).isFalse();
		assertThat(vault.requests("PUT /v1/sys/leases/revoke") + vault.requests("POST /v1/sys/leases/revoke"))
			.isPositive();
	}

	@Test
	void staticRoleRotationsUnderLoadWithoutFailedQueries() {
		int rotationsBefore = vault.database().rotations("static-app");
		runner("refreshing.datasource.provider.vault.role=static-app",
				"refreshing.datasource.provider.vault.role-type=static",
				"refreshing.datasource.provider.vault.rotation-jitter=1s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				HikariDataSource pool = context.getBean(HikariDataSource.class);
				assertThat(PoolLoad.query(pool)).isEqualTo("static_user");
				PoolLoad.Result result = PoolLoad.run(pool, Duration.ofSeconds(10), 16, Duration.ofMillis(700));
				assertThat(result.failures()).as("failed queries").isEmpty();
			});
		assertThat(vault.database().rotations("static-app") - rotationsBefore).as("rotations during the load")
			.isGreaterThanOrEqualTo(2);
	}

	@Test
	void vaultDownWhileTheLeaseIsValidKeepsServingNewLogins() {
		runner("refreshing.datasource.provider.vault.role=long").run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			String user = PoolLoad.query(pool);
			vault.seal();
			try {
				for (int i = 0; i < 5; i++) {
					pool.getHikariPoolMXBean().softEvictConnections();
					assertThat(PoolLoad.query(pool)).isEqualTo(user);
				}
			}
			finally {
				vault.unseal();
			}
		});
	}

	@Test
	void leaseRevokedByHandIsReplacedOnTheRejectedLogin() {
		runner("refreshing.datasource.provider.vault.role=long").run((context) -> {
			HikariDataSource pool = context.getBean(HikariDataSource.class);
			String user = PoolLoad.query(pool);
			int issued = vault.database().issued();
			vault.database().revokeLeaseOf(user);
			pool.getHikariPoolMXBean().softEvictConnections();
			String replacement = PoolLoad.query(pool);
			assertThat(replacement).isNotEqualTo(user).startsWith("v-token-long-");
			assertThat(vault.database().issued() - issued).isEqualTo(1);
		});
	}

	@Test
	void leasesAreKeptOnShutdownWhenAskedTo() throws Exception {
		String[] user = new String[1];
		runner("refreshing.datasource.provider.vault.role=long",
				"refreshing.datasource.provider.vault.revoke-on-shutdown=false")
			.run((context) -> user[0] = PoolLoad.query(context.getBean(HikariDataSource.class)));
		assertThat(postgres.roleExists(user[0])).isTrue();
		assertThat(vault.database().liveUsernames()).contains(user[0]);
	}

	@Test
	void appRoleLogin() {
		vault.appRole("app-role-id", "app-secret-id");
		int logins = vault.requests("POST /v1/auth/approle/login");
		runner("refreshing.datasource.provider.vault.role=long",
				"refreshing.datasource.provider.vault.authentication=approle",
				"refreshing.datasource.provider.vault.app-role.role-id=app-role-id",
				"refreshing.datasource.provider.vault.app-role.secret-id=app-secret-id")
			.run((context) -> assertThat(PoolLoad.query(context.getBean(HikariDataSource.class)))
				.startsWith("v-token-long-"));
		assertThat(vault.requests("POST /v1/auth/approle/login") - logins).isEqualTo(1);
	}

	@Test
	void kubernetesLogin(@TempDir Path directory) throws Exception {
		Path tokenFile = Files.writeString(directory.resolve("token"), "service-account-jwt");
		vault.kubernetesRole("db-app", "service-account-jwt");
		int logins = vault.requests("POST /v1/auth/kubernetes/login");
		runner("refreshing.datasource.provider.vault.role=long",
				"refreshing.datasource.provider.vault.authentication=kubernetes",
				"refreshing.datasource.provider.vault.kubernetes.role=db-app",
				"refreshing.datasource.provider.vault.kubernetes.service-account-token-file=" + tokenFile)
			.run((context) -> assertThat(PoolLoad.query(context.getBean(HikariDataSource.class)))
				.startsWith("v-token-long-"));
		assertThat(vault.requests("POST /v1/auth/kubernetes/login") - logins).isEqualTo(1);
	}

	@Test
	void withoutSpringVaultStartupFailsNamingTheDependency() {
		runner("refreshing.datasource.provider.vault.role=app")
			.withClassLoader(new FilteredClassLoader(SecretLeaseContainer.class))
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = new RefreshingDataSourceFailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis).isNotNull();
				assertThat(analysis.getDescription()).contains("credential provider 'vault'")
					.contains("org.springframework.vault:spring-vault-core is not on the classpath");
				assertThat(analysis.getAction()).contains("Add the dependency org.springframework.vault:spring-vault-core");
			});
	}

}
