package io.github.refreshingdatasource.faults;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import io.github.refreshingdatasource.autoconfigure.RefreshingDataSourceAutoConfiguration;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.testsupport.CacheEvents;
import io.github.refreshingdatasource.faults.TokenServer.Fault;
import io.github.refreshingdatasource.testsupport.ScramPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two DataSources, each with its own role and token endpoint. The orders endpoint answers
 * HTTP 500 for longer than twice the token lifetime; the reporting DataSource, queried by 8
 * threads all along, sees no failure, no failed refresh and no extra provider call.
 */
@ExtendWith(OutputCaptureExtension.class)
class IndependentDataSourcesTests {

	private static final Duration LIFETIME = Duration.ofSeconds(3);

	private static final Duration FAULT = LIFETIME.multipliedBy(2).plusMillis(500);

	private static ScramPostgres postgres;

	@BeforeAll
	static void startPostgres() {
		postgres = ScramPostgres.start();
	}

	@AfterAll
	static void stopPostgres() {
		postgres.close();
	}

	@Test
	void outageOfOneProviderLeavesTheOtherDataSourceAlone(CapturedOutput output) throws Exception {
		String ordersRole = FaultFixtures.newRole(postgres);
		String reportingRole = FaultFixtures.newRole(postgres);
		CacheEvents ordersEvents = new CacheEvents();
		CacheEvents reportingEvents = new CacheEvents();
		try (TokenServer orders = new TokenServer(postgres, ordersRole, LIFETIME);
				TokenServer reporting = new TokenServer(postgres, reportingRole, LIFETIME)) {
			HttpTokenProvider ordersProvider = new HttpTokenProvider(orders.uri(), ordersRole);
			HttpTokenProvider reportingProvider = new HttpTokenProvider(reporting.uri(), reportingRole);
			new ApplicationContextRunner()
				.withConfiguration(AutoConfigurations.of(RefreshingDataSourceAutoConfiguration.class))
				.withPropertyValues("refreshing.datasource.provider.type=bean", "refreshing.datasource.refresh.jitter=0s",
						"refreshing.datasource.refresh.fetch-timeout=" + FaultFixtures.FETCH_TIMEOUT.toMillis() + "ms",
						"refreshing.datasource.refresh.retry.max-attempts=" + FaultFixtures.MAX_ATTEMPTS,
						"refreshing.datasource.refresh.retry.initial-interval=50ms",
						"refreshing.datasource.refresh.retry.max-interval=" + FaultFixtures.MAX_INTERVAL.toMillis() + "ms",
						"refreshing.datasource.datasources.ordersDataSource.provider.bean.name=ordersProvider",
						"refreshing.datasource.datasources.reportingDataSource.provider.bean.name=reportingProvider")
				.withBean("ordersProvider", CredentialProvider.class, () -> ordersProvider)
				.withBean("reportingProvider", CredentialProvider.class, () -> reportingProvider)
				.withBean("ordersDataSource", HikariDataSource.class, () -> pool("orders"))
				.withBean("reportingDataSource", HikariDataSource.class, () -> pool("reporting"))
				.run((context) -> {
					HikariDataSource ordersPool = FaultFixtures.pool(context, "ordersDataSource");
					HikariDataSource reportingPool = FaultFixtures.pool(context, "reportingDataSource");
					CredentialCache ordersCache = FaultFixtures.cache(context, "ordersDataSource");
					CredentialCache reportingCache = FaultFixtures.cache(context, "reportingDataSource");
					ordersCache.addListener(ordersEvents);
					reportingCache.addListener(reportingEvents);
					try (Workload ordersLoad = new Workload("orders", ordersPool, 8, Duration.ofSeconds(60),
							Duration.ofMillis(300));
							Workload reportingLoad = new Workload("reporting", reportingPool, 8, Duration.ofSeconds(60),
									Duration.ofMillis(300))) {
						await().atMost(Duration.ofSeconds(15))
							.pollInterval(Duration.ofMillis(10))
							.until(() -> ordersEvents.rotated.get() >= 1);
						orders.fail(Fault.HTTP_500);
						Instant faultStart = Instant.now();
						Instant ordersValidUntil = ordersCache.snapshot().expiresAt();
						int reportingRequestsAtFault = reporting.requests();
						FaultFixtures.awaitUntil(faultStart.plus(FAULT));
						int reportingRequests = reporting.requests() - reportingRequestsAtFault;
						long successesAtFaultEnd = reportingLoad.successes();
						orders.heal();
						long healed = System.nanoTime();
						await().atMost(Duration.ofSeconds(15)).until(() -> ordersLoad.succeededSince(healed));
						ordersLoad.close();
						reportingLoad.close();

						assertThat(ordersLoad.failures((failure) -> failure.at().isBefore(ordersValidUntil))).isEmpty();
						String namedCause = "No valid credential for datasource 'ordersDataSource' (provider: bean)";
						List<Workload.Failure> afterExpiry = ordersLoad.failures((failure) -> failure.at()
							.isAfter(ordersValidUntil.plus(FaultFixtures.CONNECTION_TIMEOUT)));
						assertThat(afterExpiry).isNotEmpty()
							.anySatisfy((failure) -> assertThat(failure.messages()).contains(namedCause)
								.contains("token endpoint answered HTTP 500"));
						// HikariCP attaches its pool-wide last connection failure, which any success clears, so
						// a borrower may time out with no cause at all; it must never carry a different one.
						assertThat(afterExpiry).allSatisfy((failure) -> assertThat(
								failure.messages().contains(namedCause) || failure.messages().strip().lines().count() == 1)
							.as("cause of %s", failure.messages())
							.isTrue());
						assertThat(ordersEvents.failed.get()).isPositive();

						assertThat(reportingLoad.failures()).as("failed reporting queries").isEmpty();
						assertThat(successesAtFaultEnd).isPositive();
						assertThat(reportingEvents.failed.get()).as("failed reporting refreshes").isZero();
						assertThat(reportingCache.snapshot().lastFailure()).isNull();
						// Scheduled refreshes only, one per half lifetime, and the retry of an attempt that
						// timed out under load.
						int scheduled = (int) (FAULT.toMillis() / LIFETIME.dividedBy(2).toMillis());
						assertThat(reportingRequests).as("reporting token requests during the orders outage")
							.isBetween(scheduled - 1, scheduled + 1 + reportingEvents.retried.get());
						System.out.printf("independent: orders %d queries, %d failed; reporting %d queries, %d failed,"
								+ " %d token requests during the orders outage%n", ordersLoad.successes(),
								ordersLoad.failures().size(), reportingLoad.successes(), reportingLoad.failures().size(),
								reportingRequests);
					}
				});
			FaultFixtures.assertNoSecretIn(output, orders.secrets());
			FaultFixtures.assertNoSecretIn(output, reporting.secrets());
		}
	}

	private static HikariDataSource pool(String name) {
		HikariDataSource pool = new HikariDataSource();
		pool.setPoolName(name);
		pool.setJdbcUrl(postgres.jdbcUrl());
		pool.setMaximumPoolSize(4);
		pool.setConnectionTimeout(FaultFixtures.CONNECTION_TIMEOUT.toMillis());
		return pool;
	}

}
