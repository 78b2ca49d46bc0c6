package io.github.refreshingdatasource.testsupport;

import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.DbCredential;
import org.jspecify.annotations.Nullable;

/**
 * A provider whose next answer the test sets: a credential, a failure, or any code; it
 * counts its calls.
 */
public final class ScriptedCredentialProvider implements CredentialProvider {

	private final AtomicInteger calls = new AtomicInteger();

	private volatile Callable<DbCredential> answer;

	public ScriptedCredentialProvider(String username, String secret, @Nullable Instant expiresAt) {
		serve(username, secret, expiresAt);
	}

	/**
	 * Answer every call from now on with this credential.
	 * @param username the username
	 * @param secret the secret
	 * @param expiresAt the stated expiry, if any
	 */
	public void serve(String username, String secret, @Nullable Instant expiresAt) {
		DbCredential credential = DbCredential.of(username, secret, expiresAt);
		this.answer = () -> credential;
	}

	/**
	 * Fail every call from now on with an {@link IllegalStateException}.
	 * @param message its message
	 */
	public void fail(String message) {
		this.answer = () -> {
			throw new IllegalStateException(message);
		};
	}

	/**
	 * Answer every call from now on by running the given code.
	 * @param answer the code
	 */
	public void answer(Callable<DbCredential> answer) {
		this.answer = answer;
	}

	public int calls() {
		return this.calls.get();
	}

	@Override
	public DbCredential fetch() throws Exception {
		this.calls.incrementAndGet();
		return this.answer.call();
	}

}
