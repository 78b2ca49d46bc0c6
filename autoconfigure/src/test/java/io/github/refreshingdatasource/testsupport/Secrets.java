package io.github.refreshingdatasource.testsupport;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The secrets a test used, so that it can prove none of them reached its captured output
 * (logs, exception messages, {@code toString()}).
 */
public final class Secrets {

	private final Set<String> used = ConcurrentHashMap.newKeySet();

	/**
	 * A new random password, remembered.
	 * @return the password
	 */
	public String newPassword() {
		return add(ScramPostgres.randomPassword());
	}

	/**
	 * Remember a secret made elsewhere (a token, a client secret).
	 * @param secret the secret
	 * @return the secret
	 */
	public String add(String secret) {
		this.used.add(secret);
		return secret;
	}

	/**
	 * Assert that the text contains none of the secrets, and that there were some to look for.
	 * @param text the captured output
	 */
	public void assertNoneIn(String text) {
		assertThat(this.used).as("secrets used by the test").isNotEmpty();
		for (String secret : this.used) {
			assertThat(text).as("captured output must not contain a secret").doesNotContain(secret);
		}
	}

}
