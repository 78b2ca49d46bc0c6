package io.github.refreshingdatasource.credentials.provider.oauth2;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

import org.jspecify.annotations.Nullable;

/**
 * Collects a response body of at most a given size. A longer body is not read on: the
 * subscription is cancelled, which makes the JDK client close the connection, and the body
 * completes with an {@link IOException}. {@link #abort(IOException)} does the same from
 * another thread, for a body that is still trickling in when the exchange's time is up.
 */
final class BoundedBodySubscriber implements HttpResponse.BodySubscriber<byte[]> {

	private final int limit;

	private final String endpoint;

	private final CompletableFuture<byte[]> body = new CompletableFuture<>();

	private final ByteArrayOutputStream received = new ByteArrayOutputStream();

	private volatile Flow.@Nullable Subscription subscription;

	BoundedBodySubscriber(int limit, String endpoint) {
		this.limit = limit;
		this.endpoint = endpoint;
	}

	@Override
	public void onSubscribe(Flow.Subscription subscription) {
		this.subscription = subscription;
		if (this.body.isDone()) {
			subscription.cancel();
		}
		else {
			subscription.request(Long.MAX_VALUE);
		}
	}

	@Override
	public void onNext(List<ByteBuffer> buffers) {
		if (this.body.isDone()) {
			return;
		}
		for (ByteBuffer buffer : buffers) {
			if (this.received.size() + buffer.remaining() > this.limit) {
				abort(new IOException("Token endpoint " + this.endpoint + " answered with more than " + this.limit
						+ " bytes; the rest of the answer is not read"));
				return;
			}
			byte[] bytes = new byte[buffer.remaining()];
			buffer.get(bytes);
			this.received.write(bytes, 0, bytes.length);
		}
	}

	@Override
	public void onError(Throwable throwable) {
		this.body.completeExceptionally(throwable);
	}

	@Override
	public void onComplete() {
		this.body.complete(this.received.toByteArray());
	}

	@Override
	public CompletionStage<byte[]> getBody() {
		return this.body;
	}

	/**
	 * Stop reading: the connection is closed and the body fails with the given reason.
	 * @param reason why
	 */
	void abort(IOException reason) {
		this.body.completeExceptionally(reason);
		Flow.Subscription subscription = this.subscription;
		if (subscription != null) {
			subscription.cancel();
		}
	}

}
