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
import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.github.refreshingdatasource.credentials.CredentialSnapshot;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.sample.dashboard.RefreshTimeline;
import io.github.refreshingdatasource.sample.database.DatabaseAdministrator;
import io.github.refreshingdatasource.sample.issuer.Audience;
import io.github.refreshingdatasource.sample.issuer.DemoCredentialIssuer;
import io.github.refreshingdatasource.sample.issuer.IssuerStatus;
import io.github.refreshingdatasource.sample.workload.StartupCredential;
import io.github.refreshingdatasource.sample.workload.Workload;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
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
 * seconds: the starter follows every rotation while the plain lane beside it fails once its
 * startup password has expired, and the demo buttons' endpoints show what they say, while
 * the bound lane never fails a query and no secret shows anywhere.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { SampleApplicationTests.LIFETIME,
		"demo.issuer.grace=1s", "demo.issuer.outage-after-expiry=2s", "demo.issuer.revoke-delay=1s",
		"demo.workload.pause=20ms", "refreshing.datasource.refresh.before-expiry=1500ms",
		"refreshing.datasource.health.warn-before-expiry=1s",
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
	@Qualifier("boundWorkload")
	private Workload workload;

	@Autowired
	@Qualifier("plainWorkload")
	private Workload plainWorkload;

	@Autowired
	@Qualifier("plainDataSource")
	private DataSource plainDataSource;

	@Autowired
	private StartupCredential startupCredential;

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
			return status.brokenUntil() == null && status.replacementAt() == null && snapshot.valid()
					&& snapshot.lastFailure() == null && status.fingerprint() != null
					&& status.fingerprint().equals(snapshot.fingerprint());
		});
	}

	@AfterEach
	void noFailedQueryAndNoSecretAnywhere(CapturedOutput output) {
		assertThat(this.workload.failures()).as("failed queries of the bound lane").isZero();
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
		assertThat(status.at("/lanes/bound/failure").asLong()).isZero();
		assertThat(status.at("/lanes/bound/success").asLong()).isPositive();
		assertThat(status.at("/lanes/reporting/success").asLong()).isPositive();
		assertThat(status.at("/datasources/dataSource/provider").asString()).isEqualTo("file");
		assertThat(status.at("/datasources/reportingDataSource/provider").asString()).isEqualTo("command");
		assertThat(status.at("/datasources/reportingDataSource/username").asString()).startsWith("demo_reporting_");
		assertThat(status.at("/datasources").has("plainDataSource")).isFalse();
		assertThat(this.client.get("/actuator/prometheus").body())
			.contains("demo_workload_queries_total{lane=\"bound\",outcome=\"failure\"} 0.0");
	}

	@Test
	void plainLaneFailsOnceItsStartupPasswordExpiredWhileTheBoundLaneHasNoFailedQuery() throws SQLException {
		// The plain pool logs in with what it read at startup; wait until that has expired.
		Instant startupExpiry = this.startupCredential.expiresAt();
		await("startup credential expired and rotated").atMost(TIMEOUT)
			.until(() -> Instant.now().isAfter(startupExpiry)
					&& !this.startupCredential.fingerprint().equals(this.issuer.status().fingerprint()));
		long boundBefore = this.workload.successes();
		long plainFailuresBefore = this.plainWorkload.failures();
		// Both pools need new logins now, as their max-lifetime (30 s for the plain one) would make them.
		for (DataSource pool : List.of(this.dataSource, this.plainDataSource)) {
			// A pool starts at its first successful borrow: on a slow machine the plain pool may
			// never have started before its password expired (it fails already).
			HikariPoolMXBean bean = pool.unwrap(HikariDataSource.class).getHikariPoolMXBean();
			if (bean != null) {
				bean.softEvictConnections();
			}
		}
		await("plain lane fails").atMost(TIMEOUT).until(() -> this.plainWorkload.failures() > plainFailuresBefore);
		await("bound lane goes on").atMost(TIMEOUT).until(() -> this.workload.successes() > boundBefore + 50);
		assertThat(this.workload.failures()).isZero();
		JsonNode lanes = this.client.get("/demo/status").json().get("lanes");
		assertThat(lanes.at("/plain/failure").asLong()).isPositive();
		assertThat(lanes.at("/plain/bound").asBoolean()).isFalse();
		assertThat(lanes.at("/plain/startupCredential/fingerprint").asString())
			.isEqualTo(this.startupCredential.fingerprint());
		assertThat(lanes.at("/bound/failure").asLong()).isZero();
		assertThat(lanes.at("/bound/bound").asBoolean()).isTrue();
		assertThat(this.client.get("/actuator/prometheus").body())
			.containsPattern("demo_workload_queries_total\\{lane=\"plain\",outcome=\"failure\"\\} [1-9]");
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
	void revokeShowsARejectedLoginThenTheRecovery() throws Exception {
		String revoked = cache().snapshot().fingerprint();
		DbCredential revokedCredential = this.secrets.all()
			.stream()
			.filter((credential) -> credential.fingerprint().equals(revoked))
			.findFirst()
			.orElseThrow();
		long successesBefore = this.workload.successes();
		Instant pressed = Instant.now();
		JsonNode status = this.client.post("/demo/issuer/revoke").json();
		assertThat(status.get("revoked").asLong()).isPositive();
		assertThat(status.get("replacementAt").isNull()).isFalse();
		// The replacement comes later: for now the file still holds the revoked credential.
		assertThat(status.get("fingerprint").asString()).isEqualTo(revoked);
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> login(revokedCredential))
			.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("28P01"));
		// The pool logs in again at once (the demo retires its connections) and is rejected...
		RefreshTimeline.Event rejection = await("login rejected").atMost(TIMEOUT)
			.until(() -> firstEventAfter(pressed, "dataSource", "rejected"), (event) -> event != null);
		assertThat(rejection.fingerprint()).isEqualTo(revoked);
		// ...until the replacement arrives, which the starter serves and the pool logs in with.
		RefreshTimeline.Event recovery = await("new credential served").atMost(TIMEOUT)
			.until(() -> this.timeline.events()
				.stream()
				.filter((event) -> event.at().isAfter(pressed) && event.dataSource().equals("dataSource")
						&& event.rotated())
				.findFirst()
				.orElse(null), (event) -> event != null);
		assertThat(recovery.at()).isAfter(rejection.at());
		assertThat(recovery.fingerprint()).isNotEqualTo(revoked);
		await("workload continues").atMost(TIMEOUT).until(() -> this.workload.successes() > successesBefore + 50);
		await("pool logged in with a fresh credential").atMost(TIMEOUT)
			.until(() -> !revoked.equals(cache().snapshot().fingerprint()) && cache().snapshot().valid());
		JsonNode refreshes = this.client.get("/demo/status?since=" + pressed).json().get("refreshes");
		assertThat(refreshes.valueStream().map((event) -> event.get("outcome").asString())).contains("rejected");
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

		// The outage outlasts the credential (2 s beyond its expiry): it expires, the pool
		// keeps its connections (stale), health turns DOWN, and still no query fails.
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

	private RefreshTimeline.@Nullable Event firstEventAfter(Instant start, String dataSource, String outcome) {
		return this.timeline.events()
			.stream()
			.filter((event) -> event.at().isAfter(start) && event.dataSource().equals(dataSource)
					&& event.outcome().equals(outcome))
			.findFirst()
			.orElse(null);
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
			statement.setArray(1, connection.createArrayOf("text", Audience.APP.loginRoles().toArray()));
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
