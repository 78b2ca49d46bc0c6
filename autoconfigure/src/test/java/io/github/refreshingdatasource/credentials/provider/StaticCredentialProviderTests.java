package io.github.refreshingdatasource.credentials.provider;

import io.github.refreshingdatasource.credentials.DbCredential;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class StaticCredentialProviderTests {

	@Test
	void fetchReturnsTheFixedLoginWithoutExpiry() {
		DbCredential credential = new StaticCredentialProvider("app", "s3cr3t").fetch();
		assertThat(credential.username()).isEqualTo("app");
		assertThat(credential.secret()).isEqualTo("s3cr3t");
		assertThat(credential.expiresAt()).isNull();
	}

	@Test
	void usernameMayBeLeftToTheDataSource() {
		assertThat(new StaticCredentialProvider(null, "s3cr3t").fetch().username()).isNull();
	}

	@Test
	void emptyPasswordIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> new StaticCredentialProvider("app", ""));
	}

	@Test
	void toStringShowsTheUsernameOnly() {
		assertThat(new StaticCredentialProvider("app", "s3cr3t"))
			.hasToString("StaticCredentialProvider[username=app]");
	}

}
