package io.github.refreshingdatasource.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.DbCredential;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@link CredentialProvider} that asks a token endpoint for an access token and uses it as
 * the database password: what a cloud IAM provider does, reduced to the HTTP call. It sets
 * no timeout shorter than the cache's fetch timeout, so the cache's cut-off is what is
 * tested. Failures never carry the response body, which may hold a token.
 */
final class HttpTokenProvider implements CredentialProvider {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final URI endpoint;

	private final String username;

	private final HttpClient client;

	private final AtomicInteger calls = new AtomicInteger();

	private final AtomicInteger interrupted = new AtomicInteger();

	HttpTokenProvider(URI endpoint, String username) {
		this.endpoint = endpoint;
		this.username = username;
		this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
	}

	/** Calls of {@link #fetch()} so far. */
	int calls() {
		return this.calls.get();
	}

	/** Calls that ended because the calling thread was interrupted. */
	int interrupted() {
		return this.interrupted.get();
	}

	@Override
	public DbCredential fetch() throws Exception {
		this.calls.incrementAndGet();
		HttpRequest request = HttpRequest.newBuilder(this.endpoint)
			.timeout(Duration.ofSeconds(30))
			.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.build();
		HttpResponse<String> response;
		try {
			response = this.client.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (InterruptedException ex) {
			this.interrupted.incrementAndGet();
			throw ex;
		}
		if (response.statusCode() != 200) {
			throw new IOException("token endpoint answered HTTP " + response.statusCode());
		}
		Instant received = Instant.now();
		JsonNode body;
		try {
			body = json.readTree(response.body());
		}
		catch (JacksonException ex) {
			throw new IOException("token endpoint answered malformed JSON (" + ex.getClass().getSimpleName() + ")");
		}
		JsonNode token = body.get("access_token");
		JsonNode expiresIn = body.get("expires_in");
		if (token == null || !token.isString() || expiresIn == null || !expiresIn.isIntegralNumber()) {
			throw new IOException("token endpoint answered JSON without access_token and expires_in");
		}
		return DbCredential.of(this.username, token.asString(), received.plusSeconds(expiresIn.asLong()));
	}

	@Override
	public String toString() {
		return "HttpTokenProvider[" + this.endpoint + "]";
	}

}
