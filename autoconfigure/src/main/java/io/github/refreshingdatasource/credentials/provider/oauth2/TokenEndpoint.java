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

	/**
	 * How long a refresh-token redemption may still take after its caller's timeout before it
	 * is abandoned for good. Long enough for a slow server under load, short enough that a
	 * source never holds more than one such exchange for long.
	 */
	static final Duration LATE_ANSWER_DEADLINE = Duration.ofSeconds(30);

	private final Set<Exchange> inFlight = ConcurrentHashMap.newKeySet();

	private final Duration lateAnswerDeadline;

	TokenEndpoint(OAuth2Client client, Duration timeout) {
		this.client = client;
		this.timeout = timeout;
		this.lateAnswerDeadline = (timeout.compareTo(LATE_ANSWER_DEADLINE) > 0) ? timeout : LATE_ANSWER_DEADLINE;
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
	Pending send(@Nullable String refreshToken) {
		Exchange exchange = new Exchange();
		this.inFlight.add(exchange);
		exchange.late.whenComplete((answer, failure) -> this.inFlight.remove(exchange));
		exchange.response = this.http.sendAsync(request(refreshToken), (info) -> exchange.subscriber());
		exchange.response.whenComplete((response, failure) -> {
			if (failure == null) {
				Answer answer = new Answer(response.statusCode(), response.body());
				// The late answer first: whoever keeps its refresh token does so before the
				// caller judges the rest.
				exchange.late.complete(answer);
				exchange.result.complete(answer);
			}
			else {
				Throwable translated = translate(failure);
				exchange.late.completeExceptionally(translated);
				exchange.result.completeExceptionally(translated);
			}
		});
		IOException timedOut = new IOException(
				"Token endpoint " + this.client.tokenUri() + " did not answer within " + this.timeout);
		if (refreshToken == null) {
			CompletableFuture.delayedExecutor(this.timeout.toMillis(), TimeUnit.MILLISECONDS)
				.execute(() -> exchange.abort(timedOut));
		}
		else {
			// A refresh token once sent may be spent by the server whatever happens to us: the
			// caller is told at the timeout, but the exchange goes on, its body still bounded
			// by MAX_BODY, until the hard deadline, so that a rotated token still arrives.
			CompletableFuture.delayedExecutor(this.timeout.toMillis(), TimeUnit.MILLISECONDS)
				.execute(() -> exchange.result.completeExceptionally(timedOut));
			CompletableFuture.delayedExecutor(this.lateAnswerDeadline.toMillis(), TimeUnit.MILLISECONDS)
				.execute(() -> exchange.abort(new IOException("Token endpoint " + this.client.tokenUri()
						+ " did not answer within " + this.lateAnswerDeadline + " (late answer abandoned)")));
		}
		return new Pending(exchange.result, exchange.late);
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
			// The caller's timeout is applied by send(); a redemption may outlive it.
			.timeout((refreshToken != null) ? this.lateAnswerDeadline : this.timeout)
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

		/** The answer for the caller, or the timeout. */
		final CompletableFuture<Answer> result = new CompletableFuture<>();

		/** The answer whenever it arrives, up to the hard deadline, or the failure. */
		final CompletableFuture<Answer> late = new CompletableFuture<>();

		volatile boolean ended;

		volatile @Nullable CompletableFuture<HttpResponse<byte[]>> response;

		volatile @Nullable BoundedBodySubscriber subscriber;

		BoundedBodySubscriber subscriber() {
			BoundedBodySubscriber subscriber = new BoundedBodySubscriber(MAX_BODY,
					TokenEndpoint.this.client.tokenUri().toString());
			this.subscriber = subscriber;
			if (this.ended) {
				subscriber.abort(new IOException("Exchange ended"));
			}
			return subscriber;
		}

		void abort(IOException reason) {
			if (this.ended || this.late.isDone()) {
				return;
			}
			this.ended = true;
			this.late.completeExceptionally(reason);
			this.result.completeExceptionally(reason);
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
	 * An exchange under way.
	 * @param answer the answer for the caller, failed with an {@link IOException} at the
	 * timeout
	 * @param late the answer whenever it arrives; for a refresh-token redemption that can be
	 * after the timeout, up to {@link #LATE_ANSWER_DEADLINE}
	 */
	record Pending(CompletableFuture<Answer> answer, CompletableFuture<Answer> late) {

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
