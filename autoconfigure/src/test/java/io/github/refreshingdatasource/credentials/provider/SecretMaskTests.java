package io.github.refreshingdatasource.credentials.provider;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class SecretMaskTests {

	private static final String JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhcHAiLCJleHAiOjE3NjcyMjU2MDB9.c2lnbmF0dXJlLXBhcnQtMTIz";

	private static final String BASE64 = "dGhpcyBpcyBhIHJhbmRvbSBrZXkgMTIzNDU2Nzg5MA==";

	@Test
	void masksJwtInsideUrl() {
		String masked = SecretMask.mask("GET https://db.example.com/login?x=1&jwt=" + JWT + "#frag failed");
		assertThat(masked).doesNotContain("eyJ").doesNotContain("c2lnbmF0dXJl").contains("https://db.example.com/login");
	}

	@Test
	void masksSetXTraceOfNewToken() {
		String masked = SecretMask.mask("+ TOKEN=" + JWT + "\n+ curl -s https://vault\n+ exit 1");
		assertThat(masked).isEqualTo("+ TOKEN=******\n+ curl -s https://vault\n+ exit 1");
	}

	@Test
	void masksShortValuesAfterSecretNamedKeys() {
		assertThat(SecretMask.mask("+ PGPASSWORD=hunter2 psql")).isEqualTo("+ PGPASSWORD=****** psql");
		assertThat(SecretMask.mask("pwd=abc; secret=x1 client_secret=y")).isEqualTo("pwd=******; secret=****** client_secret=******");
		assertThat(SecretMask.mask("password: hunter2")).isEqualTo("password: ******");
		assertThat(SecretMask.mask("X-Vault-Token: s.abc")).isEqualTo("X-Vault-Token: ******");
	}

	@Test
	void masksJsonCaseInsensitively() {
		String masked = SecretMask.mask("{\"Password\": \"hunter2\", \"ACCESS_TOKEN\":\"short\", \"user\": \"app\"}");
		assertThat(masked).isEqualTo("{\"Password\": \"******\", \"ACCESS_TOKEN\":\"******\", \"user\": \"app\"}");
	}

	@Test
	void masksBearerAndAuthorizationHeaders() {
		assertThat(SecretMask.mask("Authorization: Bearer abc.def")).isEqualTo("Authorization: ******");
		assertThat(SecretMask.mask("sent bearer abc123 to host")).isEqualTo("sent bearer ****** to host");
	}

	@Test
	void masksAwsPresignedUrlParameters() {
		String masked = SecretMask.mask(
				"https://s3/x?X-Amz-Security-Token=FwoGZXIvYXdz&X-Amz-Signature=abc123&X-Amz-Date=20260101T000000Z");
		assertThat(masked).contains("X-Amz-Security-Token=******&X-Amz-Signature=******&X-Amz-Date=20260101T000000Z");
	}

	@Test
	void masksLongBase64AndHexRunsOverLines() {
		String masked = SecretMask.mask("line one\nkey " + BASE64 + "\nhex 0123456789abcdef0123456789abcdef\nend");
		assertThat(masked).isEqualTo("line one\nkey ******\nhex ******\nend");
	}

	@Test
	void leavesOrdinaryErrorMessagesReadable() {
		String[] readable = { "FATAL: password authentication failed for user \"app\" (SQLState 28P01)",
				"cannot fetch token: connection refused", "/usr/local/bin/refreshing-datasource-get-token: not found",
				"refreshing-datasource-command-12345-stderr", "Command 'sh' exited with code 2",
				"org.postgresql.util.PSQLException: The connection attempt failed.",
				"az: error: argument --resource-type: invalid choice" };
		for (String text : readable) {
			assertThat(SecretMask.mask(text)).isEqualTo(text);
		}
	}

	@Test
	void megabyteOfHostileInputIsCappedAndFast() {
		String hostile = "token=\"" + "a".repeat(1_000_000);
		String masked = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> SecretMask.mask(hostile));
		assertThat(masked).startsWith("token=\"******").endsWith("[991815 more characters dropped]");
		String manyKeys = "password=".repeat(120_000);
		assertThat(assertTimeoutPreemptively(Duration.ofSeconds(2), () -> SecretMask.mask(manyKeys)))
			.hasSizeLessThan(SecretMask.MAX_CHARS + 64);
		String longWord = "x".repeat(1_000_000);
		assertThat(assertTimeoutPreemptively(Duration.ofSeconds(2), () -> SecretMask.mask(longWord)))
			.startsWith("xxxx");
	}

}
