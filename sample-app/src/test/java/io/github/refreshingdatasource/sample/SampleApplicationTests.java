package io.github.refreshingdatasource.sample;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.github.refreshingdatasource.credentials.CredentialSnapshot;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.sample.dashboard.RefreshTimeline;
import io.github.refreshingdatasource.sample.database.DatabaseAdministrator;
import io.github.refreshingdatasource.sample.issuer.DemoCredentialIssuer;
import io.github.refreshingdatasource.sample.issuer.IssuerStatus;
import io.github.refreshingdatasource.sample.workload.Workload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The whole sample on its embedded scram-only PostgreSQL, with credentials lasting
 * seconds: the starter follows every rotation, and the demo buttons' endpoints do what they
 * say, while the workload never fails a query and no secret shows anywhere.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { SampleApplicationTests.LIFETIME,
		"demo.issuer.grace=1s", "demo.issuer.outage=6s", "demo.workload.pause=20ms",
		"refreshing.datasource.refresh.retry.max-attempts=2",
		"refreshing.datasource.refresh.retry.initial-interval=100ms",
		"refreshing.datasource.refresh.retry.max-interval=500ms" })
@ExtendWith(OutputCaptureExtension.class)
class SampleApplicationTests {

	static final String LIFETIME = "demo.issuer.lifetime=3s";

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	@Autowired
	private DemoCredentialIssuer issuer;

	@Autowired
	private Workload workload;

	@Autowired
	private CredentialCacheRegistry registry;

	@Autowired
	private RefreshTimeline timeline;

	@Autowired
	private DataSource dataSource;

	@Autowired
	private DatabaseAdministrator administrator;

	@Autowired
	private RecordedSecrets secrets;

	@LocalServerPort
	private int port;

	private DemoClient client;

	@BeforeEach
	void awaitSteadyState() {
		this.client = new DemoClient(this.port);
		// Each test starts from a working source and a cache serving its latest credential.
		await("steady state").atMost(TIMEOUT).pollInterval(Duration.ofMillis(50)).until(() -> {
			IssuerStatus status = this.issuer.status();
			CredentialSnapshot snapshot = cache().snapshot();
			return status.brokenUntil() == null && snapshot.valid() && snapshot.lastFailure() == null
					&& status.fingerprint() != null && status.fingerprint().equals(snapshot.fingerprint());
		});
	}

	@AfterEach
	void noFailedQueryAndNoSecretAnywhere(CapturedOutput output) {
		assertThat(this.workload.failures()).as("failed workload queries").isZero();
		List<String> published = new ArrayList<>();
		published.add(output.getAll());
		for (String path : List.of("/", "/dashboard.js", "/demo/status", "/demo/issuer", "/actuator/health",
				"/actuator/metrics/demo.workload.queries", "/actuator/prometheus", "/actuator/dbcredentials")) {
			published.add(this.client.get(path).body());
		}
		List<DbCredential> issued = this.secrets.all();
		assertThat(issued).isNotEmpty();
		for (DbCredential credential : issued) {
			assertThat(published).noneMatch((text) -> text.contains(credential.secret()));
		}
	}

	@Test
	void starterFollowsAtLeastTwoScheduledRotationsWithoutAFailedQuery() throws Exception {
		Instant start = Instant.now();
		long issuedBefore = this.issuer.status().issued();
		long successesBefore = this.workload.successes();
		await("two rotations served").atMost(TIMEOUT)
			.until(() -> rotationsSince(start) >= 2 && this.issuer.status().issued() >= issuedBefore + 2);
		assertThat(this.workload.failures()).isZero();
		assertThat(this.workload.successes()).isGreaterThan(successesBefore + 50);
		// on-rotation: evict, so the pool really logs in with each new credential.
		await("pool logged in as the current role").atMost(TIMEOUT).until(() -> {
			List<String> roles = sessionRoles();
			String current = this.issuer.status().role();
			return !roles.isEmpty() && roles.stream().allMatch((role) -> role.equals(current));
		});
		JsonNode status = this.client.get("/demo/status").json();
		assertThat(status.at("/workload/failure").asLong()).isZero();
		assertThat(status.at("/workload/success").asLong()).isPositive();
		assertThat(status.at("/datasources/dataSource/provider").asString()).isEqualTo("file");
		assertThat(this.client.get("/actuator/prometheus").body())
			.contains("demo_workload_queries_total{outcome=\"failure\"} 0.0");
	}

	@Test
	void rotateNowPublishesANewCredentialThatTheStarterServes() {
		long issuedBefore = this.issuer.status().issued();
		String before = cache().snapshot().fingerprint();
		JsonNode rotated = this.client.post("/demo/issuer/rotate").json();
		String fingerprint = rotated.get("fingerprint").asString();
		assertThat(fingerprint).isNotEqualTo(before);
		assertThat(rotated.get("issued").asLong()).isGreaterThanOrEqualTo(issuedBefore + 1);
		await("new credential served").atMost(TIMEOUT)
			.until(() -> this.client.get("/demo/status").json().at("/datasources/dataSource/fingerprint").asString(),
					(served) -> served.equals(this.issuer.status().fingerprint()));
	}

	@Test
	void revokedCredentialIsRefusedAndThePoolRecovers() throws Exception {
		DbCredential revoked = this.secrets.latest();
		long successesBefore = this.workload.successes();
		JsonNode status = this.client.post("/demo/issuer/revoke").json();
		assertThat(status.get("revoked").asLong()).isPositive();
		String fresh = status.get("fingerprint").asString();
		assertThat(fresh).isNotEqualTo(revoked.fingerprint());
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> login(revoked))
			.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("28P01"));
		// The new one, or a later scheduled one: never the revoked one again.
		await("new credential served").atMost(TIMEOUT).until(() -> {
			String served = cache().snapshot().fingerprint();
			return !revoked.fingerprint().equals(served) && this.issuer.status().fingerprint().equals(served);
		});
		// Sessions opened with the revoked credential stay open; new logins must use the new one.
		this.dataSource.unwrap(HikariDataSource.class).getHikariPoolMXBean().softEvictConnections();
		await("workload continues").atMost(TIMEOUT).until(() -> this.workload.successes() > successesBefore + 50);
		assertThat(this.workload.failures()).isZero();
	}

	@Test
	void brokenSourceKeepsServingTheValidCredentialThenRecovers() {
		// A fresh credential first, so the outage starts with one that is valid for a while.
		String fresh = this.client.post("/demo/issuer/rotate").json().get("fingerprint").asString();
		await().atMost(TIMEOUT).until(() -> fresh.equals(cache().snapshot().fingerprint()));
		long failedRefreshesBefore = failedRefreshes();
		long issuedBefore = this.issuer.status().issued();

		JsonNode broken = this.client.post("/demo/issuer/break").json();
		assertThat(broken.get("brokenUntil").isNull()).isFalse();
		assertThat(this.client.post("/demo/issuer/rotate").status()).isEqualTo(409);

		// Refreshes fail, the still-valid credential is served, health stays UP.
		JsonNode served = await("refresh failed, credential still served").atMost(TIMEOUT)
			.until(() -> this.client.get("/demo/status").json().at("/datasources/dataSource"),
					(ds) -> "valid".equals(ds.get("state").asString()) && !ds.get("lastError").isNull());
		assertThat(served.get("fingerprint").asString()).isEqualTo(fresh);
		assertThat(served.at("/lastError/type").asString()).isEqualTo("IOException");
		assertThat(served.at("/lastError/message").asString()).contains("db-credentials.json",
				"JSON has no 'password' field");
		assertThat(this.client.get("/actuator/health").status()).isEqualTo(200);
		long successesDuringOutage = this.workload.successes();

		// The outage (6 s) outlasts the credential (4 s): it expires, the pool keeps its
		// connections (stale), health turns DOWN, and still no query fails.
		await("expired").atMost(TIMEOUT)
			.until(() -> this.client.get("/demo/status").json().at("/datasources/dataSource/state").asString(),
					"stale"::equals);
		DemoClient.Response health = await("health DOWN").atMost(TIMEOUT)
			.until(() -> this.client.get("/actuator/health"), (response) -> response.status() == 503);
		assertThat(health.json().at("/components/dbcredentials/status").asString()).isEqualTo("DOWN");
		assertThat(this.client.get("/actuator/dbcredentials").json().at("/datasources/dataSource/state").asString())
			.isIn("stale", "refreshing");
		assertThat(this.workload.failures()).isZero();
		assertThat(failedRefreshes()).isGreaterThan(failedRefreshesBefore);

		// The source heals by itself and the starter picks up the new credential.
		await("recovered").atMost(TIMEOUT).until(() -> {
			IssuerStatus status = this.issuer.status();
			CredentialSnapshot snapshot = cache().snapshot();
			return status.brokenUntil() == null && snapshot.valid() && snapshot.lastFailure() == null
					&& status.fingerprint().equals(snapshot.fingerprint());
		});
		assertThat(this.issuer.status().issued()).isGreaterThan(issuedBefore);
		assertThat(this.workload.successes()).isGreaterThan(successesDuringOutage);
		assertThat(this.client.get("/demo/status").json().at("/datasources/dataSource/state").asString())
			.isEqualTo("valid");
		await("health UP").atMost(TIMEOUT).until(() -> this.client.get("/actuator/health").status() == 200);
	}

	@Test
	void refreshNowIsTheActuatorWriteOperation() {
		long manualBefore = refreshes("manual");
		DemoClient.Response response = this.client.post("/actuator/dbcredentials/dataSource");
		assertThat(response.status()).isEqualTo(200);
		JsonNode refreshed = response.json();
		assertThat(refreshed.get("state").asString()).isIn("valid", "refreshing");
		assertThat(refreshed.get("fingerprint").asString()).matches("[0-9a-f]{8}");
		assertThat(refreshes("manual")).isEqualTo(manualBefore + 1);
		JsonNode described = this.client.get("/actuator/dbcredentials").json().at("/datasources/dataSource");
		assertThat(described.get("provider").asString()).isEqualTo("file");
		assertThat(described.get("username").asString()).startsWith("demo_app_");
	}

	private CredentialCache cache() {
		return this.registry.get("dataSource");
	}

	private long rotationsSince(Instant start) {
		return this.timeline.events()
			.stream()
			.filter((event) -> event.rotated() && event.at().isAfter(start))
			.count();
	}

	private long failedRefreshes() {
		return this.timeline.events().stream().filter((event) -> "failure".equals(event.outcome())).count();
	}

	private long refreshes(String cause) {
		return this.timeline.events().stream().filter((event) -> cause.equals(event.cause())).count();
	}

	private void login(DbCredential credential) throws SQLException {
		String url = this.dataSource.unwrap(HikariDataSource.class).getJdbcUrl();
		try (Connection connection = DriverManager.getConnection(url, credential.username(), credential.secret())) {
			// Logged in: the assertion around this call fails.
		}
	}

	private List<String> sessionRoles() throws SQLException {
		List<String> roles = new ArrayList<>();
		try (Connection connection = this.administrator.connect();
				PreparedStatement statement = connection.prepareStatement(
						"SELECT usename FROM pg_stat_activity WHERE usename = ANY (?) AND application_name = ?")) {
			statement.setArray(1, connection.createArrayOf("text", DemoCredentialIssuer.LOGIN_ROLES.toArray()));
			statement.setString(2, "PostgreSQL JDBC Driver");
			try (ResultSet result = statement.executeQuery()) {
				while (result.next()) {
					roles.add(result.getString(1));
				}
			}
		}
		return roles;
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class RecordingConfiguration {

		@Bean
		RecordedSecrets recordedSecrets() {
			return new RecordedSecrets();
		}

	}

}
