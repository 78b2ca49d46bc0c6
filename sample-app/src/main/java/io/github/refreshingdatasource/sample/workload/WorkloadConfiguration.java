package io.github.refreshingdatasource.sample.workload;

import java.time.Clock;

import javax.sql.DataSource;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The background workload, started once the application context is ready.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "demo.workload.enabled", matchIfMissing = true)
@EnableConfigurationProperties(WorkloadProperties.class)
class WorkloadConfiguration {

	@Bean
	Workload workload(DataSource dataSource, MeterRegistry registry, WorkloadProperties properties) {
		return new Workload(dataSource, registry, properties.getThreads(), properties.getPause(),
				Clock.systemUTC());
	}

}
