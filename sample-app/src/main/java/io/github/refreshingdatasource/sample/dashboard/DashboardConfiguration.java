package io.github.refreshingdatasource.sample.dashboard;

import java.time.Clock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The dashboard's refresh timeline, and the log line that says where the dashboard is.
 */
@Configuration(proxyBeanMethods = false)
class DashboardConfiguration {

	private static final Log logger = LogFactory.getLog(DashboardConfiguration.class);

	@Bean
	RefreshTimeline refreshTimeline() {
		return new RefreshTimeline(Clock.systemUTC());
	}

	@Bean
	ApplicationListener<ApplicationReadyEvent> dashboardUrlLogger(Environment environment) {
		return (event) -> {
			String port = environment.getProperty("local.server.port");
			if (port != null) {
				logger.info("Dashboard: http://localhost:" + port + "/");
			}
		};
	}

}
