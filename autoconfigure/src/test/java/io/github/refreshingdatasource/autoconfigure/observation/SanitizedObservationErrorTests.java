package io.github.refreshingdatasource.autoconfigure.observation;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicReference;

import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.RefreshCause;
import io.github.refreshingdatasource.credentials.RefreshSettings;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.StaticListableBeanFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/** Issue 11, defect 3: the Observation (and so tracing exporters) got the raw exception. */
class SanitizedObservationErrorTests {

	private static final String NEVER_SERVED = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";

	@Test
	void observationRecordsASanitizedError() {
		AtomicReference<Throwable> recorded = new AtomicReference<>();
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(new ObservationHandler<Observation.Context>() {

			@Override
			public void onError(Observation.Context context) {
				recorded.set(context.getError());
			}

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

		});
		StaticListableBeanFactory beans = new StaticListableBeanFactory();
		beans.addBean("observationRegistry", registry);
		ObservingFetchInterceptor interceptor = new ObservingFetchInterceptor(
				beans.getBeanProvider(ObservationRegistry.class));
		interceptor.afterSingletonsInstantiated();
		try (CredentialCache cache = new CredentialCache("observed", "test", () -> {
			throw new IllegalStateException("nope");
		}, "app", RefreshSettings.defaults())) {
			assertThatIllegalStateException().isThrownBy(() -> interceptor.intercept(cache, RefreshCause.MANUAL, () -> {
				throw new IllegalStateException("upstream answered access_token=" + NEVER_SERVED);
			}));
		}
		StringWriter trace = new StringWriter();
		recorded.get().printStackTrace(new PrintWriter(trace));
		assertThat(recorded.get()).isInstanceOf(IllegalStateException.class);
		assertThat(trace.toString()).contains("upstream answered access_token=******").doesNotContain(NEVER_SERVED);
	}

}
