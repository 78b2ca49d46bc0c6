package io.github.refreshingdatasource.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadInfo;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One measurement of {@link Scale}, in a JVM of its own: a Spring Boot application with N
 * HikariCP DataSource beans (minimum idle 0, never started, so no connection is opened on
 * either side), with the starter (the {@code static} provider) or with the starter's
 * auto-configurations excluded. Prints one line: {@code startupMillis heapBytes threads
 * engineThreads}, the heap measured after repeated full collections.
 * <p>
 * Arguments: N, then {@code with} or {@code without}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class ScaleProbe {

	/** The starter's auto-configurations, excluded for the application without it. */
	private static final String STARTER_AUTO_CONFIGURATIONS = String.join(",",
			"io.github.refreshingdatasource.autoconfigure.RefreshingDataSourceAutoConfiguration",
			"io.github.refreshingdatasource.autoconfigure.metrics.RefreshingDataSourceMetricsAutoConfiguration",
			"io.github.refreshingdatasource.autoconfigure.observation.RefreshingDataSourceObservationAutoConfiguration",
			"io.github.refreshingdatasource.autoconfigure.health.RefreshingDataSourceHealthContributorAutoConfiguration",
			"io.github.refreshingdatasource.autoconfigure.endpoint.RefreshingDataSourceEndpointAutoConfiguration",
			"io.github.refreshingdatasource.autoconfigure.RefreshingDataSourceFlywayAutoConfiguration",
			"io.github.refreshingdatasource.autoconfigure.RefreshingDataSourceLiquibaseAutoConfiguration");

	/** Never connected to: the pools do not start. */
	private static final String JDBC_URL = "jdbc:postgresql://127.0.0.1:9/never-connected";

	public static void main(String[] args) throws Exception {
		int count = Integer.parseInt(args[0]);
		boolean withStarter = args[1].equals("with");
		Map<String, Object> properties = new HashMap<>();
		if (withStarter) {
			properties.put("refreshing.datasource.provider.type", "static");
			properties.put("refreshing.datasource.provider.static.username", "scale");
			properties.put("refreshing.datasource.provider.static.password", "not-a-real-secret");
		}
		else {
			properties.put("spring.autoconfigure.exclude", STARTER_AUTO_CONFIGURATIONS);
		}
		long started = System.nanoTime();
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ScaleProbe.class)
			.web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties(properties)
			.initializers((ctx) -> ctx.addBeanFactoryPostProcessor(new DataSources(count)))
			.run();
		long startupMillis = (System.nanoTime() - started) / 1_000_000;
		if (context.getBeansOfType(HikariDataSource.class).size() != count) {
			throw new IllegalStateException("expected " + count + " DataSources");
		}
		long heap = heapAfterGc();
		ThreadInfo[] threads = ManagementFactory.getThreadMXBean().dumpAllThreads(false, false);
		long engineThreads = Arrays.stream(threads)
			.filter((thread) -> thread.getThreadName().startsWith("refreshing-datasource"))
			.count();
		System.out.println("RESULT " + startupMillis + " " + heap + " " + threads.length + " " + engineThreads);
		context.close();
	}

	private static long heapAfterGc() throws InterruptedException {
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		long used = Long.MAX_VALUE;
		// Collect until the figure stops falling: finalization and reference processing can free more.
		for (int i = 0; i < 10; i++) {
			System.gc();
			Thread.sleep(50);
			long now = memory.getHeapMemoryUsage().getUsed();
			if (now >= used) {
				break;
			}
			used = now;
		}
		return used;
	}

	/** Registers N HikariCP DataSources the way an application defines its tenants' pools. */
	private record DataSources(int count) implements BeanDefinitionRegistryPostProcessor {

		@Override
		public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
			for (int i = 0; i < this.count; i++) {
				RootBeanDefinition definition = new RootBeanDefinition(HikariDataSource.class, () -> {
					HikariDataSource pool = new HikariDataSource();
					pool.setJdbcUrl(JDBC_URL);
					pool.setUsername("scale");
					pool.setPassword("not-a-real-secret");
					pool.setMinimumIdle(0);
					pool.setMaximumPoolSize(4);
					return pool;
				});
				if (i == 0) {
					definition.setPrimary(true);
				}
				registry.registerBeanDefinition("tenant" + i, definition);
			}
		}

	}

}
