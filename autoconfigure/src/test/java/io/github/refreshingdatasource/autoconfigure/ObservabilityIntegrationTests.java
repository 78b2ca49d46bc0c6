package io.github.refreshingdatasource.autoconfigure;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.testsupport.ScramPostgres;
import io.github.refreshingdatasource.testsupport.ScriptedCredentialProvider;
import io.github.refreshingdatasource.testsupport.WebApplicationWithoutSecurity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The observability surface over real HTTP, with a real PostgreSQL that enforces
 * scram-sha-256: credentials rotate (forced through the endpoint, and out of band so the
 * database rejects the old one), then the provider fails until the credential expires,
 * then recovers; the metrics, the Prometheus scrape, the health and the endpoint follow
 * every step. Every HTTP body and every log line is searched for every password used.
 * <p>
 * The provider's failure messages hold no secret, as the CredentialProvider contract
 * demands; removing one that a provider leaks anyway is tested with the endpoint and the
 * health indicator alone.
 */
@SpringBootTest(classes = ObservabilityIntegrationTests.TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.datasource.hikari.maximum-pool-size=2",
				// Flyway and Liquibase are on the test classpath for the migration tests; nothing to migrate here.
				"spring.liquibase.enabled=false", "spring.flyway.enabled=false",
				"spring.datasource.hikari.connection-timeout=5000", "refreshing.datasource.provider.type=bean",
				"refreshing.datasource.refresh.jitter=0s", "refreshing.datasource.refresh.before-expiry=2s",
				"refreshing.datasource.refresh.fetch-timeout=2s",
				// Several POSTs in a row on purpose (issue 11 limits them to one per 10 s by default).
				"refreshing.datasource.refresh.manual-min-interval=0s",
				"refreshing.datasource.refresh.retry.max-attempts=2",
				"refreshing.datasource.refresh.retry.initial-interval=50ms",
				"refreshing.datasource.refresh.retry.max-interval=1s",
				"refreshing.datasource.health.warn-before-expiry=1m",
				"management.endpoints.web.exposure.include=health,metrics,prometheus,dbcredentials",
				// Writes are opt-in since the endpoint defaults to read-only access.
				"management.endpoint.dbcredentials.access=unrestricted",
				"management.endpoint.health.show-details=always",
				"logging.level.io.github.refreshingdatasource=DEBUG" })
@ExtendWith(OutputCaptureExtension.class)
@DirtiesContext
class ObservabilityIntegrationTests {

	private static final String ROLE = "observed_app";

	private static final Set<String> secrets = ConcurrentHashMap.newKeySet();

	private static volatile String latestSecret;

	private static ScramPostgres postgres;

	private static ScriptedCredentialProvider provider;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final JsonMapper json = JsonMapper.builder().build();

	private final List<String> bodies = new ArrayList<>();

	@LocalServerPort
	private int port;

	@Autowired
	private DataSource dataSource;

	@BeforeAll
	static void startPostgres() {
		postgres = ScramPostgres.start();
		String password = secret();
		postgres.createLoginRole(ROLE, password);
		provider = new ScriptedCredentialProvider(ROLE, password, Instant.now().plus(Duration.ofHours(1)));
	}

	@DynamicPropertySource
	static void dataSourceUrl(DynamicPropertyRegistry registry) {
		registry.add("spring.datasource.url", () -> postgres.jdbcUrl());
	}

	@AfterAll
	static void stopPostgres() {
		postgres.close();
	}

	@AfterEach
	void noSecretInBodiesOrLogs(CapturedOutput output) {
		assertThat(secrets).hasSize(5);
		assertThat(this.bodies).isNotEmpty();
		for (String secret : secrets) {
			assertThat(output.getAll()).as("log output must not contain a password").doesNotContain(secret);
			assertThat(this.bodies).as("HTTP bodies must not contain a password")
				.allSatisfy((body) -> assertThat(body).doesNotContain(secret));
		}
	}

	@Test
	void metricsHealthAndEndpointFollowRotationFailureExpiryAndRecovery() throws Exception {
		startupIsValidAndCounted();
		forcedRefreshRotatesWithExactlyOneProviderCall();
		credentialRotatedOutOfBandIsRejectedCountedAndReplaced();
		failingProviderIsReportedWhileTheCredentialStaysValid();
		expiredCredentialTurnsStaleThenFailedAndHealthDown();
		recoveryWithoutRestart();
	}

	private void startupIsValidAndCounted() throws Exception {
		assertThat(currentUser()).isEqualTo(ROLE);
		JsonNode all = getJson("/actuator/dbcredentials");
		assertThat(all.propertyNames()).containsExactly("datasources");
		JsonNode credential = all.get("datasources").get("dataSource");
		assertThat(credential.propertyNames()).containsExactlyInAnyOrder("provider", "username", "state", "fingerprint",
				"issuedAt", "expiresAt", "nextRefreshAt", "lastError", "lastRejection", "pausedUntil", "pauseReason",
				"providerStuckSince", "providerThreads", "refusedFingerprint", "coordination");
		assertThat(credential.get("provider").asString()).isEqualTo("bean");
		assertThat(credential.get("username").asString()).isEqualTo(ROLE);
		assertThat(credential.get("state").asString()).isEqualTo("valid");
		assertThat(credential.get("lastError").isNull()).isTrue();
		assertThat(Instant.parse(credential.get("issuedAt").asString())).isBefore(Instant.now());
		assertThat(Instant.parse(credential.get("expiresAt").asString())).isAfter(Instant.now().plus(Duration.ofMinutes(59)));
		// Lives an hour: refreshed at half its remaining lifetime.
		assertThat(Instant.parse(credential.get("nextRefreshAt").asString()))
			.isAfter(Instant.now().plus(Duration.ofMinutes(29)));
		assertThat(getJson("/actuator/dbcredentials/dataSource")).isEqualTo(credential);
		assertThat(send("GET", "/actuator/dbcredentials/noSuchDataSource").statusCode()).isEqualTo(404);
		assertThat(refreshCount("startup", "success")).isEqualTo(1.0);
		assertThat(refreshCount("startup", "failure")).isZero();
		assertThat(metric("datasource.credentials.expiry", "VALUE")).isBetween(3500.0, 3600.0);
		assertThat(metric("datasource.credentials.age", "VALUE")).isBetween(0.0, 60.0);
		assertThat(prometheus("datasource_credentials_expiry_seconds")).isBetween(3500.0, 3600.0);
		assertThat(prometheus("datasource_credentials_age_seconds")).isBetween(0.0, 60.0);
		JsonNode health = health();
		assertThat(health.at("/components/dbcredentials/status").asString()).isEqualTo("UP");
		assertThat(health.at("/components/dbcredentials/details/dataSource/state").asString()).isEqualTo("valid");
		assertThat(health.at("/components/dbcredentials/details/dataSource/warning").isMissingNode()).isTrue();
	}

	private void forcedRefreshRotatesWithExactlyOneProviderCall() throws Exception {
		String password = secret();
		postgres.setPassword(ROLE, password);
		provider.serve(ROLE, password, Instant.now().plus(Duration.ofHours(1)));
		int calls = provider.calls();
		HttpResponse<String> response = send("POST", "/actuator/dbcredentials/dataSource");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(provider.calls()).as("provider calls of one forced refresh").isEqualTo(calls + 1);
		JsonNode refreshed = this.json.readTree(response.body());
		assertThat(refreshed.get("state").asString()).isEqualTo("valid");
		assertThat(refreshed.get("fingerprint").asString()).isEqualTo(fingerprint(password));
		assertThat(refreshed.get("lastError").isNull()).isTrue();
		assertThat(refreshCount("manual", "success")).isEqualTo(1.0);
		assertThat(prometheus("datasource_credentials_refresh_seconds_count", "cause", "manual", "outcome", "success"))
			.isEqualTo(1.0);
		assertThat(prometheus("datasource_credentials_refresh_seconds_count", "cause", "startup", "outcome", "success"))
			.isEqualTo(1.0);
		// The observation of the forced fetch, through Boot's default meter observation handler.
		assertThat(metric("datasource.credentials.fetch", "COUNT", "cause", "manual", "outcome", "success"))
			.isEqualTo(1.0);
		evictSettledPool();
		assertThat(currentUser()).isEqualTo(ROLE);
	}

	private void credentialRotatedOutOfBandIsRejectedCountedAndReplaced() throws Exception {
		assertThat(prometheus("datasource_credentials_auth_failures_total")).isZero();
		String password = secret();
		postgres.setPassword(ROLE, password);
		provider.serve(ROLE, password, Instant.now().plus(Duration.ofHours(1)));
		// The next physical login uses the cached, now wrong, password.
		evictSettledPool();
		assertThat(currentUser()).isEqualTo(ROLE);
		assertThat(prometheus("datasource_credentials_auth_failures_total")).isEqualTo(1.0);
		assertThat(refreshCount("rejected", "success")).isEqualTo(1.0);
		assertThat(getJson("/actuator/dbcredentials/dataSource").get("fingerprint").asString())
			.isEqualTo(fingerprint(password));
	}

	private void failingProviderIsReportedWhileTheCredentialStaysValid() throws Exception {
		String current = latestSecret;
		double retriesBefore = prometheus("datasource_credentials_fetch_retries_total");
		provider.fail("token service unavailable (HTTP 503)");
		JsonNode afterPost = this.json.readTree(send("POST", "/actuator/dbcredentials/dataSource").body());
		assertThat(afterPost.get("state").asString()).isEqualTo("valid");
		assertThat(afterPost.get("fingerprint").asString()).isEqualTo(fingerprint(current));
		assertThat(afterPost.at("/lastError/type").asString()).isEqualTo("IllegalStateException");
		assertThat(afterPost.at("/lastError/message").asString()).isEqualTo("token service unavailable (HTTP 503)");
		assertThat(refreshCount("manual", "failure")).isEqualTo(1.0);
		assertThat(prometheus("datasource_credentials_fetch_retries_total")).isGreaterThanOrEqualTo(retriesBefore + 1);
		// After a failed refresh the schedule retries every retry.max-interval (1 s): failures keep rising.
		await().atMost(Duration.ofSeconds(10))
			.until(() -> prometheus("datasource_credentials_refresh_seconds_count", "cause", "scheduled", "outcome",
					"failure") >= 2);
		JsonNode health = health();
		assertThat(health.at("/components/dbcredentials/status").asString()).isEqualTo("UP");
		assertThat(health.at("/components/dbcredentials/details/dataSource/error").asString())
			.isEqualTo("IllegalStateException: token service unavailable (HTTP 503)");
	}

	private void expiredCredentialTurnsStaleThenFailedAndHealthDown() throws Exception {
		String password = secret();
		postgres.setPassword(ROLE, password);
		Instant expiresAt = Instant.now().plus(Duration.ofSeconds(6));
		provider.serve(ROLE, password, expiresAt);
		JsonNode refreshed = this.json.readTree(send("POST", "/actuator/dbcredentials/dataSource").body());
		assertThat(refreshed.get("fingerprint").asString()).isEqualTo(fingerprint(password));
		assertThat(refreshed.get("lastError").isNull()).isTrue();
		provider.fail("token service unavailable (HTTP 502)");
		evictSettledPool();
		assertThat(currentUser()).isEqualTo(ROLE);
		JsonNode health = health();
		assertThat(health.at("/components/dbcredentials/status").asString()).isEqualTo("UP");
		assertThat(health.at("/components/dbcredentials/details/dataSource/warning").asString())
			.contains("expires at " + expiresAt);
		await().atMost(Duration.ofSeconds(15))
			.until(() -> "stale".equals(getJson("/actuator/dbcredentials/dataSource").get("state").asString()));
		assertThat(pool().getHikariPoolMXBean().getTotalConnections()).isPositive();
		assertThat(metric("datasource.credentials.expiry", "VALUE")).isNegative();
		// Retries keep running: between two reads the state may be "refreshing" for a moment.
		await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
			JsonNode expired = health();
			assertThat(expired.get("status").asString()).isEqualTo("DOWN");
			assertThat(expired.at("/components/dbcredentials/status").asString()).isEqualTo("DOWN");
			assertThat(expired.at("/components/dbcredentials/details/dataSource/state").asString()).isEqualTo("stale");
			assertThat(expired.at("/components/dbcredentials/details/dataSource/error").asString())
				.isEqualTo("IllegalStateException: token service unavailable (HTTP 502)");
		});
		// Without pooled connections nothing works any more: failed.
		pool().getHikariPoolMXBean().softEvictConnections();
		await().atMost(Duration.ofSeconds(15))
			.until(() -> "failed".equals(getJson("/actuator/dbcredentials/dataSource").get("state").asString()));
		assertThat(health().at("/components/dbcredentials/status").asString()).isEqualTo("DOWN");
	}

	private void recoveryWithoutRestart() throws Exception {
		double successesBefore = refreshCount("scheduled", "success");
		String password = secret();
		postgres.setPassword(ROLE, password);
		provider.serve(ROLE, password, Instant.now().plus(Duration.ofHours(1)));
		await().atMost(Duration.ofSeconds(15))
			.until(() -> "UP".equals(health().at("/components/dbcredentials/status").asString()));
		JsonNode credential = getJson("/actuator/dbcredentials/dataSource");
		assertThat(credential.get("state").asString()).isEqualTo("valid");
		assertThat(credential.get("fingerprint").asString()).isEqualTo(fingerprint(password));
		assertThat(credential.get("lastError").isNull()).isTrue();
		assertThat(refreshCount("scheduled", "success") + refreshCount("expired", "success"))
			.isGreaterThan(successesBefore);
		assertThat(currentUser()).isEqualTo(ROLE);
	}

	private static String secret() {
		String secret = ScramPostgres.randomPassword();
		secrets.add(secret);
		latestSecret = secret;
		return secret;
	}

	private static String fingerprint(String password) {
		return DbCredential.of(ROLE, password, null).fingerprint();
	}

	private HikariDataSource pool() throws SQLException {
		return this.dataSource.unwrap(HikariDataSource.class);
	}

	/**
	 * Evict every pooled connection once the pool is full, so no login still in progress
	 * adds a connection behind the eviction: the next query needs a new physical login.
	 */
	private void evictSettledPool() throws SQLException {
		HikariDataSource pool = pool();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> pool.getHikariPoolMXBean().getTotalConnections() == pool.getMaximumPoolSize());
		pool.getHikariPoolMXBean().softEvictConnections();
	}

	private String currentUser() throws SQLException {
		try (Connection connection = this.dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet resultSet = statement.executeQuery("SELECT current_user")) {
			resultSet.next();
			return resultSet.getString(1);
		}
	}

	private double refreshCount(String cause, String outcome) throws IOException, InterruptedException {
		return metric("datasource.credentials.refresh", "COUNT", "cause", cause, "outcome", outcome);
	}

	/** One statistic of a meter from /actuator/metrics, filtered by tag pairs. */
	private double metric(String name, String statistic, String... tags) throws IOException, InterruptedException {
		StringBuilder path = new StringBuilder("/actuator/metrics/" + name + "?tag=datasource:dataSource");
		for (int i = 0; i < tags.length; i += 2) {
			path.append("&tag=").append(tags[i]).append(':').append(tags[i + 1]);
		}
		for (JsonNode measurement : getJson(path.toString()).get("measurements")) {
			if (statistic.equals(measurement.get("statistic").asString())) {
				return measurement.get("value").asDouble();
			}
		}
		throw new AssertionError("no " + statistic + " in " + path);
	}

	/** The value of the one sample of the Prometheus scrape with the given name and labels. */
	private double prometheus(String name, String... labels) throws IOException, InterruptedException {
		HttpResponse<String> response = send("GET", "/actuator/prometheus");
		assertThat(response.statusCode()).isEqualTo(200);
		Pattern sample = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
		List<Double> values = new ArrayList<>();
		Matcher matcher = sample.matcher(response.body());
		while (matcher.find()) {
			String labelText = matcher.group(1);
			boolean matches = labelText.contains("datasource=\"dataSource\"") && labelText.contains("provider=\"bean\"");
			for (int i = 0; i < labels.length; i += 2) {
				matches &= labelText.contains(labels[i] + "=\"" + labels[i + 1] + "\"");
			}
			if (matches) {
				values.add(Double.parseDouble(matcher.group(2)));
			}
		}
		assertThat(values).as("samples of " + name + " " + String.join(",", labels)).hasSize(1);
		return values.get(0);
	}

	/** The health, answered with 200 when UP and 503 when DOWN. */
	private JsonNode health() throws IOException, InterruptedException {
		HttpResponse<String> response = send("GET", "/actuator/health");
		JsonNode health = this.json.readTree(response.body());
		assertThat(response.statusCode()).isEqualTo("UP".equals(health.get("status").asString()) ? 200 : 503);
		return health;
	}

	private JsonNode getJson(String path) throws IOException, InterruptedException {
		HttpResponse<String> response = send("GET", path);
		assertThat(response.statusCode()).as("GET " + path).isEqualTo(200);
		return this.json.readTree(response.body());
	}

	private HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.timeout(Duration.ofSeconds(30))
			.build();
		HttpResponse<String> response = this.http.send(request, HttpResponse.BodyHandlers.ofString());
		synchronized (this.bodies) {
			this.bodies.add(response.body());
		}
		return response;
	}

	@WebApplicationWithoutSecurity
	static class TestApplication {

		@Bean
		CredentialProvider credentialProvider() {
			return provider;
		}

	}

}
