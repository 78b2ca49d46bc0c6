package io.github.refreshingdatasource.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.refreshingdatasource.autoconfigure.R2dbcCredentialBinder.R2dbcBinding;
import io.github.refreshingdatasource.autoconfigure.metrics.RefreshingDataSourceMetricsAutoConfiguration;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.testsupport.PostgresLoginRole;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * {@link R2dbcCredentialBinder}: R2DBC connection factories a multi-tenant application
 * creates and closes at runtime are bound with a bean's settings, listed while bound, and
 * leave nothing behind; Spring Boot's {@code connectionFactory} bean releases its cache when
 * destroyed — against the real SCRAM-only PostgreSQL.
 */
class RuntimeR2dbcBinderIntegrationTests {

	@RegisterExtension
	static final PostgresLoginRole database = new PostgresLoginRole("r2dbc_tenant_user");

	private static final int TENANTS = 20;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RefreshingDataSourceAutoConfiguration.class,
				RefreshingR2dbcAutoConfiguration.class, MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
				RefreshingDataSourceMetricsAutoConfiguration.class))
		.withBean(CredentialProvider.class, () -> () -> DbCredential.of(database.role(), database.password(), null))
		.withPropertyValues("refreshing.datasource.provider.type=bean", "refreshing.datasource.refresh.jitter=0s");

	@Test
	void twentyTenantFactoriesCreatedQueriedAndClosedTwiceLeaveNoCacheNoMeterAndNoThread() {
		this.runner.run((context) -> {
			R2dbcCredentialBinder binder = context.getBean(R2dbcCredentialBinder.class);
			CredentialCacheRegistry registry = context.getBean(CredentialCacheRegistry.class);
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			// A first round sizes the driver's event loops. Reactor's shared schedulers (parallel, boundedElastic)
			// and Awaitility's poller are JVM-wide and grow on demand with how blocking calls happen to overlap, so
			// they are not counted: the rounds counted see only what the tenants themselves start.
			tenantRound(binder, registry, meters);
			long baseline = countedThreads();
			String before = threadNames();
			for (int round = 0; round < 2; round++) {
				tenantRound(binder, registry, meters);
				await().atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(countedThreads()).as("threads, before: " + before + ", now: " + threadNames())
						.isLessThanOrEqualTo(baseline + 2));
			}
		});
	}

	private static void tenantRound(R2dbcCredentialBinder binder, CredentialCacheRegistry registry, MeterRegistry meters) {
		List<R2dbcBinding> bindings = new ArrayList<>();
		for (int i = 0; i < TENANTS; i++) {
			bindings.add(bind(binder, "tenant" + i));
		}
		assertThat(registry.getAll()).hasSize(TENANTS);
		assertThat(bindings).allMatch(R2dbcBinding::isBound);
		// A few concurrent subscriptions per tenant, all tenants at once.
		List<String> users = Flux.fromIterable(bindings)
			.flatMap((binding) -> Flux.range(0, 4).flatMap((i) -> currentUser(binding.connectionFactory())))
			.collectList()
			.block(Duration.ofSeconds(30));
		assertThat(users).hasSize(TENANTS * 4).containsOnly(database.role());
		await().atMost(Duration.ofSeconds(5))
			.until(() -> meters.find("datasource.credentials.age").meters().size() == TENANTS);
		bindings.forEach(R2dbcBinding::close);
		bindings.forEach(R2dbcBinding::close);
		assertThat(registry.getAll()).isEmpty();
		assertThat(bindings).allMatch((binding) -> ((ConnectionPool) binding.connectionFactory()).isDisposed());
		assertThat(meters.find("datasource.credentials.age").meters()).isEmpty();
	}

	@Test
	void anExcludedNameIsLeftAloneAndLogsInWithItsOwnCredential() {
		this.runner.withPropertyValues("refreshing.datasource.datasources.legacy.enabled=false").run((context) -> {
			R2dbcCredentialBinder binder = context.getBean(R2dbcCredentialBinder.class);
			ConnectionFactoryOptions options = options().mutate()
				.option(ConnectionFactoryOptions.USER, database.role())
				.option(ConnectionFactoryOptions.PASSWORD, database.password())
				.build();
			R2dbcBinding binding = binder.bind("legacy", options, (pool) -> pool.maxSize(1));
			try (binding) {
				assertThat(binding.isBound()).isFalse();
				assertThat(currentUser(binding.connectionFactory()).block(Duration.ofSeconds(15))).isEqualTo(database.role());
				assertThat(context.getBean(CredentialCacheRegistry.class).getAll()).isEmpty();
			}
			assertThat(((ConnectionPool) binding.connectionFactory()).isDisposed()).isTrue();
		});
	}

	@Test
	void aNameStillBoundCannotBeBoundAgainAndIsFreeOnceClosed() {
		this.runner.run((context) -> {
			R2dbcCredentialBinder binder = context.getBean(R2dbcCredentialBinder.class);
			CredentialCacheRegistry registry = context.getBean(CredentialCacheRegistry.class);
			try (R2dbcBinding binding = bind(binder, "tenant")) {
				assertThatIllegalStateException().isThrownBy(() -> bind(binder, "tenant"))
					.withMessageContaining("already registered");
				// The failed attempt took nothing from the binding that holds the name.
				assertThat(registry.get("tenant")).isNotNull();
				assertThat(currentUser(binding.connectionFactory()).block(Duration.ofSeconds(15))).isEqualTo(database.role());
			}
			try (R2dbcBinding again = bind(binder, "tenant")) {
				assertThat(currentUser(again.connectionFactory()).block(Duration.ofSeconds(15))).isEqualTo(database.role());
			}
			assertThat(registry.getAll()).isEmpty();
		});
	}

	@Test
	void urlPoolingAndADriverThatCannotRotateAreRefusedWithoutALeftoverCache() {
		this.runner.run((context) -> {
			R2dbcCredentialBinder binder = context.getBean(R2dbcCredentialBinder.class);
			assertThatIllegalArgumentException()
				.isThrownBy(() -> binder.bind("pooled",
						ConnectionFactoryOptions.parse("r2dbc:pool:postgresql://localhost:" + database.server().port() + "/postgres")))
				.withMessageContaining("r2dbc:postgresql://");
			assertThatExceptionOfType(RefreshingDataSourceConfigurationException.class)
				.isThrownBy(() -> binder.bind("h2", ConnectionFactoryOptions.parse("r2dbc:h2:mem:///tenant")));
			assertThat(context.getBean(CredentialCacheRegistry.class).getAll()).isEmpty();
		});
	}

	@Test
	void destroyingBootsConnectionFactoryReleasesItsCacheSoItCanBeCreatedAgain() {
		this.runner.withConfiguration(AutoConfigurations.of(R2dbcAutoConfiguration.class))
			.withPropertyValues("spring.r2dbc.url=r2dbc:postgresql://localhost:" + database.server().port() + "/postgres",
					"spring.r2dbc.pool.max-size=2", "spring.r2dbc.pool.initial-size=1")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				CredentialCacheRegistry registry = context.getBean(CredentialCacheRegistry.class);
				ConnectionFactory first = context.getBean(ConnectionFactory.class);
				assertThat(currentUser(first).block(Duration.ofSeconds(15))).isEqualTo(database.role());
				assertThat(registry.get("connectionFactory")).isNotNull();
				DefaultListableBeanFactory beans = (DefaultListableBeanFactory) context.getSourceApplicationContext()
					.getBeanFactory();
				beans.destroySingleton("connectionFactory");
				assertThat(registry.get("connectionFactory")).isNull();
				assertThat(((ConnectionPool) first).isDisposed()).isTrue();
				// Re-created under the same name (as a refresh scope would), it binds again.
				ConnectionFactory second = context.getBean(ConnectionFactory.class);
				assertThat(second).isNotSameAs(first);
				assertThat(registry.get("connectionFactory")).isNotNull();
				assertThat(currentUser(second).block(Duration.ofSeconds(15))).isEqualTo(database.role());
			});
	}

	@Test
	void withoutR2dbcPoolThereIsNoR2dbcBinderButTheJdbcBinderStays() {
		this.runner.withClassLoader(new FilteredClassLoader(ConnectionPool.class)).run((context) -> {
			assertThat(context).hasNotFailed()
				.doesNotHaveBean(R2dbcCredentialBinder.class)
				.hasSingleBean(CredentialBinder.class);
		});
	}

	private static long countedThreads() {
		return Thread.getAllStackTraces().keySet().stream()
			.filter((thread) -> thread.isAlive() && !sharedOutsideTheStarter(thread.getName()))
			.count();
	}

	private static boolean sharedOutsideTheStarter(String name) {
		return name.startsWith("boundedElastic-") || name.startsWith("parallel-") || name.startsWith("awaitility");
	}

	private static String threadNames() {
		return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).sorted().toList().toString();
	}

	private static R2dbcBinding bind(R2dbcCredentialBinder binder, String name) {
		return binder.bind(name, options(), (pool) -> pool.initialSize(1).maxSize(2));
	}

	private static ConnectionFactoryOptions options() {
		return ConnectionFactoryOptions.parse("r2dbc:postgresql://localhost:" + database.server().port() + "/postgres");
	}

	private static Mono<String> currentUser(ConnectionFactory connectionFactory) {
		return Mono.usingWhen(connectionFactory.create(),
				(Connection connection) -> Mono.from(connection.createStatement("SELECT current_user").execute())
					.flatMap((result) -> Mono.from(result.map((row, metadata) -> row.get(0, String.class)))),
				Connection::close);
	}

}
