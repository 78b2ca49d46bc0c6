package io.github.refreshingdatasource.autoconfigure.endpoint;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.testsupport.ScriptedCredentialProvider;
import io.github.refreshingdatasource.testsupport.WebApplicationWithoutSecurity;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Over real HTTP: {@code dbcredentials} is read-only by default, so exposing it does not
 * open the manual refresh; {@code management.endpoint.dbcredentials.access=unrestricted}
 * does. The pool never connects (the URL points nowhere); the provider is a bean.
 */
class DbCredentialsEndpointAccessTests {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	static int send(int port, String method, String path) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
			.timeout(Duration.ofSeconds(10))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.header("Content-Type", "application/json")
			.build();
		return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
	}

	@Nested
	@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
			"spring.datasource.url=jdbc:postgresql://localhost:1/none", "spring.liquibase.enabled=false",
			"spring.flyway.enabled=false", "refreshing.datasource.provider.type=bean",
			"refreshing.datasource.refresh.jitter=0s", "management.endpoints.web.exposure.include=dbcredentials" })
	class ByDefault {

		@LocalServerPort
		int port;

		@Test
		void readsButRefusesTheWrite() throws Exception {
			assertThat(send(this.port, "GET", "/actuator/dbcredentials")).isEqualTo(200);
			assertThat(send(this.port, "GET", "/actuator/dbcredentials/dataSource")).isEqualTo(200);
			int calls = TestApplication.provider.calls();
			// Boot maps no write operation for a read-only endpoint; the path exists for GET,
			// so Spring MVC answers "method not allowed".
			assertThat(send(this.port, "POST", "/actuator/dbcredentials/dataSource")).isEqualTo(405);
			assertThat(TestApplication.provider.calls()).isEqualTo(calls);
		}

	}

	@Nested
	@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT, properties = {
			"spring.datasource.url=jdbc:postgresql://localhost:1/none", "spring.liquibase.enabled=false",
			"spring.flyway.enabled=false", "refreshing.datasource.provider.type=bean",
			"refreshing.datasource.refresh.jitter=0s", "management.endpoints.web.exposure.include=dbcredentials",
			"management.endpoint.dbcredentials.access=unrestricted" })
	class WhenUnrestricted {

		@LocalServerPort
		int port;

		@Test
		void allowsTheWrite() throws Exception {
			assertThat(send(this.port, "GET", "/actuator/dbcredentials")).isEqualTo(200);
			assertThat(send(this.port, "POST", "/actuator/dbcredentials/dataSource")).isEqualTo(200);
		}

	}

	@WebApplicationWithoutSecurity
	static class TestApplication {

		static final ScriptedCredentialProvider provider = new ScriptedCredentialProvider("app_a", "access-secret-1",
				null);

		@Bean
		CredentialProvider credentialProvider() {
			return provider;
		}

	}

}
