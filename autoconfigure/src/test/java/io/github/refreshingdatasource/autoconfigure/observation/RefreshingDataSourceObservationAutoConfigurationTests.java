package io.github.refreshingdatasource.autoconfigure.observation;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.autoconfigure.RefreshingDataSourceAutoConfiguration;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.testsupport.ScriptedCredentialProvider;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RefreshingDataSourceObservationAutoConfiguration}: a real observation
 * registry with a handler that records every stopped observation.
 */
class RefreshingDataSourceObservationAutoConfigurationTests {

	private final ScriptedCredentialProvider provider = new ScriptedCredentialProvider("app_user", "observed-secret-1",
			null);

	private final RecordingHandler handler = new RecordingHandler();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
				RefreshingDataSourceAutoConfiguration.class, ObservationAutoConfiguration.class,
				RefreshingDataSourceObservationAutoConfiguration.class))
		.withBean(CredentialProvider.class, () -> this.provider)
		.withBean(RecordingHandler.class, () -> this.handler)
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://localhost:1/none",
				"refreshing.datasource.provider.type=bean", "refreshing.datasource.refresh.retry.max-attempts=2",
				"refreshing.datasource.refresh.retry.initial-interval=10ms");

	@Test
	void eachFetchIsObservedWithTheMetricTagsAndInScopeDuringTheProviderCall() {
		this.runner.run((context) -> {
			CredentialCache cache = cache(context);
			ObservationRegistry registry = context.getBean(ObservationRegistry.class);
			AtomicReference<Observation> current = new AtomicReference<>();
			this.provider.answer(() -> {
				current.set(registry.getCurrentObservation());
				return DbCredential.of("app_user", "observed-secret-2", null);
			});
			cache.refresh().get(5, TimeUnit.SECONDS);
			Observation.Context observed = this.handler.single("manual");
			assertThat(observed.getName()).isEqualTo("datasource.credentials.fetch");
			assertThat(observed.getLowCardinalityKeyValues()).containsExactlyInAnyOrder(
					KeyValue.of("datasource", "dataSource"), KeyValue.of("provider", "bean"),
					KeyValue.of("cause", "manual"), KeyValue.of("outcome", "success"));
			assertThat(observed.getHighCardinalityKeyValues()).isEmpty();
			assertThat(observed.getError()).isNull();
			assertThat(current.get()).as("observation in scope while the provider runs").isNotNull();
			assertThat(current.get().getContext()).isSameAs(observed);
		});
	}

	@Test
	void everyFailedAttemptIsObservedWithItsError() {
		this.runner.run((context) -> {
			CredentialCache cache = cache(context);
			this.provider.fail("token service unavailable");
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> cache.refresh().get(5, TimeUnit.SECONDS));
			List<Observation.Context> attempts = this.handler.withCause("manual");
			assertThat(attempts).hasSize(2).allSatisfy((attempt) -> {
				assertThat(attempt.getLowCardinalityKeyValue("outcome").getValue()).isEqualTo("failure");
				assertThat(attempt.getError()).isInstanceOf(IllegalStateException.class)
					.hasMessage("token service unavailable");
			});
		});
	}

	@Test
	void backsOffWithoutMicrometerObservationAndTheCoreStillWorks() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					RefreshingDataSourceAutoConfiguration.class, RefreshingDataSourceObservationAutoConfiguration.class))
			.withBean(CredentialProvider.class, () -> this.provider)
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://localhost:1/none",
					"refreshing.datasource.provider.type=bean")
			.withClassLoader(new FilteredClassLoader(ObservationRegistry.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(ObservingFetchInterceptor.class);
				HikariDataSource hikari = context.getBean("dataSource", DataSource.class).unwrap(HikariDataSource.class);
				assertThat(hikari.getCredentialsProvider().getCredentials().getPassword()).isEqualTo("observed-secret-1");
			});
	}

	@Test
	void backsOffWithoutAnObservationRegistry() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					RefreshingDataSourceAutoConfiguration.class, RefreshingDataSourceObservationAutoConfiguration.class))
			.withBean(CredentialProvider.class, () -> this.provider)
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://localhost:1/none",
					"refreshing.datasource.provider.type=bean")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(ObservingFetchInterceptor.class);
			});
	}

	private static CredentialCache cache(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		CredentialCache cache = context.getBean(CredentialCacheRegistry.class).get("dataSource");
		assertThat(cache).isNotNull();
		await().atMost(Duration.ofSeconds(5)).until(() -> cache.snapshot().valid());
		return cache;
	}

	/** Records every stopped observation. */
	static final class RecordingHandler implements ObservationHandler<Observation.Context> {

		private final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

		@Override
		public void onStop(Observation.Context context) {
			this.stopped.add(context);
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return true;
		}

		List<Observation.Context> withCause(String cause) {
			return this.stopped.stream()
				.filter((context) -> context.getLowCardinalityKeyValue("cause") != null
						&& cause.equals(context.getLowCardinalityKeyValue("cause").getValue()))
				.toList();
		}

		Observation.Context single(String cause) {
			List<Observation.Context> matching = withCause(cause);
			assertThat(matching).hasSize(1);
			return matching.get(0);
		}

	}

}
