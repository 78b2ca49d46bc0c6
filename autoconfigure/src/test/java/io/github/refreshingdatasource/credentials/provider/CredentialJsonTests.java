package io.github.refreshingdatasource.credentials.provider;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;

import io.github.refreshingdatasource.credentials.DbCredential;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

class CredentialJsonTests {

	private static final Instant NEW_YEAR = Instant.parse("2026-01-01T00:00:00Z");

	@Test
	void readsUsernamePasswordAndIsoInstant() throws IOException {
		DbCredential credential = parse(
				"{\"username\": \"app\", \"password\": \"s3cr3t\", \"expires_at\": \"2026-01-01T00:00:00Z\"}");
		assertThat(credential.username()).isEqualTo("app");
		assertThat(credential.secret()).isEqualTo("s3cr3t");
		assertThat(credential.expiresAt()).isEqualTo(NEW_YEAR);
	}

	@Test
	void usernameAndExpiryAreOptional() throws IOException {
		DbCredential credential = parse("{\"password\": \"s3cr3t\"}");
		assertThat(credential.username()).isNull();
		assertThat(credential.expiresAt()).isNull();
	}

	@Test
	void nullOrBlankUsernameMeansNone() throws IOException {
		assertThat(parse("{\"password\": \"s3cr3t\", \"username\": null}").username()).isNull();
		assertThat(parse("{\"password\": \"s3cr3t\", \"username\": \" \"}").username()).isNull();
	}

	@Test
	void readsOffsetDateTime() throws IOException {
		assertThat(parse("{\"password\": \"s\", \"expires_at\": \"2026-01-01T01:00:00+01:00\"}").expiresAt())
			.isEqualTo(NEW_YEAR);
		assertThat(parse("{\"password\": \"s\", \"expires_at\": \"2026-01-01T01:00+01:00\"}").expiresAt())
			.isEqualTo(NEW_YEAR);
	}

	@Test
	void readsEpochSecondsAsNumberOrNumericString() throws IOException {
		long epoch = NEW_YEAR.getEpochSecond();
		assertThat(parse("{\"password\": \"s\", \"expires_at\": " + epoch + "}").expiresAt()).isEqualTo(NEW_YEAR);
		assertThat(parse("{\"password\": \"s\", \"expires_at\": \"" + epoch + "\"}").expiresAt()).isEqualTo(NEW_YEAR);
		assertThat(parse("{\"password\": \"s\", \"expires_at\": " + epoch + ".5}").expiresAt())
			.isEqualTo(NEW_YEAR.plusMillis(500));
	}

	@Test
	void readsAzureCliOutputWithCustomFieldNames() throws IOException {
		String az = """
				{
				  "accessToken": "eyJ0eXAi.token",
				  "expiresOn": "2026-01-01 00:00:00.000000",
				  "expires_on": %d,
				  "subscription": "00000000-0000-0000-0000-000000000000",
				  "tenant": "11111111-1111-1111-1111-111111111111",
				  "tokenType": "Bearer"
				}
				""".formatted(NEW_YEAR.getEpochSecond());
		DbCredential credential = CredentialJson.parse(az, "accessToken", "user", "expires_on");
		assertThat(credential.secret()).isEqualTo("eyJ0eXAi.token");
		assertThat(credential.username()).isNull();
		assertThat(credential.expiresAt()).isEqualTo(NEW_YEAR);
	}

	@Test
	void readsLocalDateTimeOfAzureCliInTheJvmTimeZone() throws IOException {
		DbCredential credential = CredentialJson.parse(
				"{\"accessToken\": \"t\", \"expiresOn\": \"2026-01-01 00:00:00.123456\"}", "accessToken", "user",
				"expiresOn");
		assertThat(credential.expiresAt()).isEqualTo(
				LocalDateTime.of(2026, 1, 1, 0, 0, 0, 123_456_000).atZone(ZoneId.systemDefault()).toInstant());
	}

	@Test
	void missingSecretFieldIsNamedWithoutQuotingTheDocument() {
		assertThatIOException().isThrownBy(() -> parse("{\"username\": \"app\", \"pasword\": \"hunter2\"}"))
			.withMessage("JSON has no 'password' field")
			.withMessageNotContaining("hunter2");
	}

	@Test
	void emptySecretIsRejected() {
		assertThatIOException().isThrownBy(() -> parse("{\"password\": \"\"}"))
			.withMessage("JSON field 'password' is empty");
	}

	@Test
	void secretOfWrongTypeIsRejected() {
		assertThatIOException().isThrownBy(() -> parse("{\"password\": 12345678}"))
			.withMessage("JSON field 'password' is not a string")
			.withMessageNotContaining("12345678");
	}

	@Test
	void unreadableExpiryNamesTheFieldButNotTheValue() {
		// A misconfigured expiry field may point at the secret itself.
		assertThatIOException()
			.isThrownBy(() -> CredentialJson.parse("{\"token\": \"hunter2\"}", "token", "username", "token"))
			.withMessageContaining("'token'")
			.withMessageContaining("neither an ISO-8601 date-time nor epoch seconds")
			.withMessageNotContaining("hunter2");
	}

	@Test
	void invalidJsonDoesNotQuoteTheSecret() {
		assertThatIOException().isThrownBy(() -> parse("{\"password\": hunter2}"))
			.withMessageStartingWith("Invalid JSON (line 1, column ")
			.withMessageNotContaining("hunter2")
			.withNoCause();
	}

	@Test
	void jsonThatIsNotAnObjectIsRejected() {
		assertThatIOException().isThrownBy(() -> parse("[\"hunter2\"]"))
			.withMessage("JSON is not an object");
	}

	@Test
	void recognisesJsonByItsOpeningBrace() {
		assertThat(CredentialJson.isJson("  \n{\"password\": \"s\"}")).isTrue();
		assertThat(CredentialJson.isJson("s3cr3t{")).isFalse();
	}

	private static DbCredential parse(String json) throws IOException {
		return CredentialJson.parse(json, "password", "username", "expires_at");
	}

}
