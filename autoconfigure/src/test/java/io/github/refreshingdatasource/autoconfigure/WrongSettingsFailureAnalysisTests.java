package io.github.refreshingdatasource.autoconfigure;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A wrong {@code refreshing.datasource.*} value fails startup through the failure analyzer,
 * naming the property as the user wrote it (the per-bean key where that is where it was
 * set) and its valid range, never the engine's Java field names. Each of these gave a
 * 100-line stack trace ending in an {@code IllegalArgumentException} before.
 */
@ExtendWith(OutputCaptureExtension.class)
class WrongSettingsFailureAnalysisTests {

	@TempDir
	Path tempDir;

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataSourceAutoConfiguration.class, RefreshingDataSourceAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://db.example:5432/app",
					"spring.datasource.username=app_user", "refreshing.datasource.provider.type=file",
					"refreshing.datasource.provider.file.path=" + this.tempDir.resolve("db.json"));
	}

	@Test
	void negativeBeforeExpiryNamesThePropertyAndItsRange() {
		runner().withPropertyValues("refreshing.datasource.refresh.before-expiry=-5s").run((context) -> {
			FailureAnalysis analysis = TokenProviderAutoConfigurationTests.analyze(context);
			assertThat(analysis.getDescription()).contains("'-5s' is not a valid refreshing.datasource.refresh.before-expiry",
					"a duration of 0 or more")
				.doesNotContain("beforeExpiry");
			assertThat(analysis.getAction()).contains("Set refreshing.datasource.refresh.before-expiry to");
		});
	}

	@Test
	void zeroRetryAttemptsNamesThePropertyAndItsRange() {
		runner().withPropertyValues("refreshing.datasource.refresh.retry.max-attempts=0").run((context) -> {
			FailureAnalysis analysis = TokenProviderAutoConfigurationTests.analyze(context);
			assertThat(analysis.getDescription()).contains("'0' is not a valid refreshing.datasource.refresh.retry.max-attempts",
					"an integer of 1 or more")
				.doesNotContain("maxAttempts");
		});
	}

	@Test
	void aWrongPerBeanValueNamesThePerBeanKey() {
		runner().withPropertyValues("refreshing.datasource.datasources.dataSource.refresh.fetch-timeout=0s")
			.run((context) -> {
				FailureAnalysis analysis = TokenProviderAutoConfigurationTests.analyze(context);
				assertThat(analysis.getDescription()).contains("DataSource 'dataSource'",
						"refreshing.datasource.datasources.datasource.refresh.fetch-timeout", "a duration greater than 0");
			});
	}

	@Test
	void perBeanProviderSettingsOverrideTheTopLevelOnes() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataSourceAutoConfiguration.class, RefreshingDataSourceAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://localhost:1/none",
					"spring.datasource.username=app_user", "refreshing.datasource.provider.type=static",
					"refreshing.datasource.provider.static.password=x",
					"refreshing.datasource.datasources.dataSource.provider.static.password=")
			.run((context) -> assertThat(TokenProviderAutoConfigurationTests.analyze(context).getDescription())
				.contains("the static provider needs a password"));
	}

	@Test
	void onlyAProviderGroupWithoutTypeAsksWhetherThatTypeWasMeant(CapturedOutput output) {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataSourceAutoConfiguration.class, RefreshingDataSourceAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://db.example:5432/app",
					"refreshing.datasource.provider.file.path=" + this.tempDir.resolve("db.json"))
			.run((context) -> {
				FailureAnalysis analysis = TokenProviderAutoConfigurationTests.analyze(context);
				assertThat(analysis.getDescription()).contains("refreshing.datasource.provider.file.* is set",
						"refreshing.datasource.provider.type is not");
				assertThat(analysis.getAction()).contains("Did you mean type: file?");
				for (ProviderType type : ProviderType.values()) {
					assertThat(analysis.getAction()).contains(type.value());
				}
			});
	}

}
