package io.github.refreshingdatasource.credentials.provider.oauth2;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenResponseSanitizeTests {

	@Test
	void unknownCredentialShapedTextInAnErrorDescriptionIsMasked() {
		String echoed = "refresh token rt_9f8e7d6c5b4a39281706f5e4d3c2b1a0ZZ already used; "
				+ "use access_token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln instead";
		String clean = TokenResponseParser.sanitize(echoed, "known-secret");
		assertThat(clean).doesNotContain("9f8e7d6c").doesNotContain("eyJ").contains("already used");
	}

	@Test
	void errorCodeCannotForgeALogLine() {
		assertThat(TokenResponseParser.sanitize("invalid_grant\n2026-01-01 INFO all good")).doesNotContain("\n")
			.startsWith("invalid_grant");
	}

}
