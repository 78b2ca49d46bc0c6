package io.github.refreshingdatasource.credentials.provider.oauth2;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

/**
 * Sends token requests to one OAuth2 token endpoint over the JDK HTTP client and hands back
 * the raw answer. Each exchange, from connecting to the last byte of the body, is given the
 * timeout; when it is up, or when the endpoint is closed, the exchange is really ended: the
 * body subscription is cancelled (the JDK client then closes the connection) and the
 * future returned by {@code sendAsync} is cancelled, which since JDK 16 aborts an exchange
 * still waiting for its headers. A body larger than {@link #MAX_BODY} is not read.
 */
final class TokenEndpoint {

	/** The largest answer read; a token response is a few kilobytes at most. */
	static final int MAX_BODY = 64 * 1024;

	private final OAuth2Client client;

	private final Duration timeout;

	private final HttpClient http;

	private final Set<Exchange> inFlight = ConcurrentHashMap.newKeySet();

	TokenEndpoint(OAuth2Client client, Duration timeout) {
		this.client = client;
		this.timeout = timeout;
		this.http = HttpClient.newBuilder()
			.connectTimeout(timeout)
			.followRedirects(HttpClient.Redirect.NEVER)
			.version(HttpClient.Version.HTTP_1_1)
			.build();
	}

	/**
	 * Ask for a token.
	 * @param refreshToken the refresh token to redeem, for the refresh_token grant
	 * @return the answer, or an {@link IOException} when none arrived in time
	 */
	CompletableFuture<Answer> send(@Nullable String refreshToken) {
		Exchange exchange = new Exchange();
		this.inFlight.add(exchange);
		exchange.result.whenComplete((answer, failure) -> this.inFlight.remove(exchange));
		exchange.response = this.http.sendAsync(request(refreshToken), (info) -> exchange.subscriber());
		exchange.response.whenComplete((response, failure) -> {
			if (failure == null) {
				exchange.result.complete(new Answer(response.statusCode(), response.body()));
			}
			else {
				exchange.result.completeExceptionally(translate(failure));
			}
		});
		CompletableFuture.delayedExecutor(this.timeout.toMillis(), TimeUnit.MILLISECONDS)
			.execute(() -> exchange.abort(new IOException(
					"Token endpoint " + this.client.tokenUri() + " did not answer within " + this.timeout)));
		return exchange.result;
	}

	/**
	 * End every exchange in flight and close its connection.
	 */
	void cancelAll() {
		this.inFlight.forEach((exchange) -> exchange
			.abort(new IOException("Exchange with token endpoint " + this.client.tokenUri() + " was cancelled")));
	}

	private HttpRequest request(@Nullable String refreshToken) {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", this.client.grantType().parameterValue());
		if (refreshToken != null) {
			form.put("refresh_token", refreshToken);
		}
		if (!this.client.scope().isEmpty()) {
			form.put("scope", String.join(" ", this.client.scope()));
		}
		HttpRequest.Builder request = HttpRequest.newBuilder(this.client.tokenUri())
			.timeout(this.timeout)
			.header("Accept", "application/json")
			.header("Content-Type", "application/x-www-form-urlencoded");
		switch (this.client.clientAuthentication()) {
			case CLIENT_SECRET_BASIC -> request.header("Authorization", "Basic " + Base64.getEncoder()
				.encodeToString((encode(this.client.clientId()) + ":" + encode(this.client.clientSecret()))
					.getBytes(StandardCharsets.UTF_8)));
			case CLIENT_SECRET_POST -> {
				form.put("client_id", this.client.clientId());
				form.put("client_secret", this.client.clientSecret());
			}
			case NONE -> form.put("client_id", this.client.clientId());
		}
		this.client.parameters().forEach(form::putIfAbsent);
		String body = form.entrySet()
			.stream()
			.map((entry) -> encode(entry.getKey()) + "=" + encode(entry.getValue()))
			.collect(Collectors.joining("&"));
		return request.POST(HttpRequest.BodyPublishers.ofString(body)).build();
	}

	private Throwable translate(Throwable failure) {
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		if (cause instanceof HttpTimeoutException) {
			return new IOException("Token endpoint " + this.client.tokenUri() + " did not answer within " + this.timeout);
		}
		if (cause instanceof ConnectException) {
			return new IOException("Cannot connect to token endpoint " + this.client.tokenUri(), cause);
		}
		if (cause instanceof CancellationException) {
			return new IOException("Exchange with token endpoint " + this.client.tokenUri() + " was cancelled");
		}
		return cause;
	}

	private static String encode(@Nullable String value) {
		return URLEncoder.encode((value != null) ? value : "", StandardCharsets.UTF_8);
	}

	/** One request and its answer. */
	private final class Exchange {

		final CompletableFuture<Answer> result = new CompletableFuture<>();

		volatile @Nullable CompletableFuture<HttpResponse<byte[]>> response;

		volatile @Nullable BoundedBodySubscriber subscriber;

		BoundedBodySubscriber subscriber() {
			BoundedBodySubscriber subscriber = new BoundedBodySubscriber(MAX_BODY,
					TokenEndpoint.this.client.tokenUri().toString());
			this.subscriber = subscriber;
			if (this.result.isDone()) {
				subscriber.abort(new IOException("Exchange ended"));
			}
			return subscriber;
		}

		void abort(IOException reason) {
			if (!this.result.completeExceptionally(reason)) {
				return;
			}
			BoundedBodySubscriber subscriber = this.subscriber;
			if (subscriber != null) {
				subscriber.abort(reason);
			}
			CompletableFuture<HttpResponse<byte[]>> response = this.response;
			if (response != null) {
				response.cancel(true);
			}
		}

	}

	/**
	 * What the endpoint answered.
	 * @param status the HTTP status
	 * @param body the body, at most {@link #MAX_BODY} bytes
	 */
	record Answer(int status, byte[] body) {

		@Override
		public String toString() {
			return "Answer[status=" + this.status + ", " + this.body.length + " bytes]";
		}

	}

}
