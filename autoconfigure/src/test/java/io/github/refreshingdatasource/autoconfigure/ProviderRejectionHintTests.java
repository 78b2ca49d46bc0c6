package io.github.refreshingdatasource.autoconfigure;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.refreshingdatasource.autoconfigure.provider.CredentialProviderFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The likely fix of a rejected login comes from each provider's own package: every
 * {@link ProviderType} has one, and it names what that kind of source needs checked.
 */
class ProviderRejectionHintTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RefreshingDataSourceAutoConfiguration.class));

	@ParameterizedTest
	@CsvSource(delimiter = '|', nullValues = "-", textBlock = """
			file        | /run/secrets/db.json    | app        | /run/secrets/db.json
			file        | /run/secrets/db.json    | app        | 'app'
			command     | az                      | app        | Run az by hand
			azure       | -                       | app@tenant | Entra admin
			azure       | -                       | app@tenant | pgaadauth_create_principal('app@tenant'
			aws-rds-iam | -                       | app        | GRANT rds_iam TO app;
			aws-rds-iam | -                       | app        | connect with SSL
			oauth2      | -                       | app        | audience
			bean        | vaultCredentialProvider | app        | 'vaultCredentialProvider'
			static      | -                       | dev        | refreshing.datasource.provider.static
			gcp-cloudsql-iam    | -               | sa@p.iam   | roles/cloudsql.instanceUser
			aws-secrets-manager | prod/app/db     | app        | secret prod/app/db holds the current password of 'app'
			""")
	void everyProviderTypeHasItsLikelyFix(String type, @Nullable String source, String username, String expected) {
		this.runner.withPropertyValues("refreshing.datasource.provider.type=" + type).run((context) -> {
			CredentialProviderFactory<?> factory = context.getBean(CredentialProviderFactory.class);
			assertThat(factory.type().value()).isEqualTo(type);
			assertThat(factory.rejectionHint(source, username)).contains(expected);
		});
	}

}
