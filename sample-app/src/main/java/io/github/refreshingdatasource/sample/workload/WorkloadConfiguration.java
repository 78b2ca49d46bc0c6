package io.github.refreshingdatasource.sample.workload;

import java.time.Clock;

import javax.sql.DataSource;

import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.sample.issuer.Audience;
import io.github.refreshingdatasource.sample.issuer.CredentialPublisher;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The lanes' workloads, started once the application context is ready: the bound lane on
 * the application's {@code dataSource}, and, with the demo issuer, the plain lane (the same
 * workload on a pool that is not bound) and the reporting lane.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "demo.workload.enabled", matchIfMissing = true)
@EnableConfigurationProperties(WorkloadProperties.class)
class WorkloadConfiguration {

	@Bean
	Workload boundWorkload(DataSource dataSource, MeterRegistry registry, WorkloadProperties properties) {
		return new Workload("bound", "dataSource", dataSource, false, registry, properties.getThreads(),
				properties.getPause(), Clock.systemUTC());
	}

	/**
	 * On "revoke", every lane's pool retires its connections, so that the next logins show
	 * what the database now says to the credential each pool has. Looked up only then: the
	 * issuer is created before the DataSources the workloads use.
	 */
	@Bean
	@ConditionalOnBooleanProperty(name = "demo.issuer.enabled", matchIfMissing = true)
	CredentialPublisher poolsLogInAgainAfterRevocation(ObjectProvider<Workload> workloads) {
		return new CredentialPublisher() {

			@Override
			public void publish(Audience audience, DbCredential credential) {
			}

			@Override
			public void revoked() {
				workloads.orderedStream().forEach(Workload::recycleConnections);
			}

			@Override
			public String toString() {
				return "PoolsLogInAgainAfterRevocation";
			}

		};
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty(name = "demo.issuer.enabled", matchIfMissing = true)
	static class IssuedLanes {

		@Bean
		@ConditionalOnProperty(name = "demo.plain.enabled", matchIfMissing = true)
		Workload plainWorkload(@Qualifier(DemoDataSourcesConfiguration.PLAIN) DataSource plainDataSource,
				MeterRegistry registry, WorkloadProperties properties) {
			return new Workload("plain", DemoDataSourcesConfiguration.PLAIN, plainDataSource, false, registry,
					properties.getThreads(), properties.getPause(), Clock.systemUTC());
		}

		@Bean
		Workload reportingWorkload(@Qualifier(DemoDataSourcesConfiguration.REPORTING) DataSource reportingDataSource,
				MeterRegistry registry, WorkloadProperties properties) {
			return new Workload("reporting", DemoDataSourcesConfiguration.REPORTING, reportingDataSource, true,
					registry, 1, properties.getReportingPause(), Clock.systemUTC());
		}

	}

}
