package io.github.refreshingdatasource.aot;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.github.refreshingdatasource.autoconfigure.RefreshingDataSourceAutoConfiguration;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;

import org.springframework.aot.AotDetector;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A small application with the starter, processed ahead of time by {@link AotModeTests} and
 * started in its own JVM with {@code -Dspring.aot.enabled=true}. For each line on standard
 * input it opens a new physical connection (the pool's connections are evicted first, once
 * it has started, so each probe is a login) and prints the outcome with the credential's fingerprint; it stops
 * when standard input closes. The auto-configurations are listed rather than discovered, so
 * the test classpath's other libraries (web, security, migrations) stay out of it.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@ImportAutoConfiguration({ DataSourceAutoConfiguration.class, RefreshingDataSourceAutoConfiguration.class })
public class AotSmokeApplication {

	public static void main(String[] args) throws Exception {
		SpringApplication application = new SpringApplication(AotSmokeApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		try (ConfigurableApplicationContext context = application.run(args)) {
			System.out.println("AOT " + AotDetector.useGeneratedArtifacts());
			DataSource dataSource = context.getBean(DataSource.class);
			CredentialCacheRegistry caches = context.getBean(CredentialCacheRegistry.class);
			BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
			while (commands.readLine() != null) {
				HikariPoolMXBean pool = dataSource.unwrap(HikariDataSource.class).getHikariPoolMXBean();
				if (pool != null) {
					pool.softEvictConnections();
				}
				String fingerprint = caches.get("dataSource").snapshot().fingerprint();
				try (Connection connection = dataSource.getConnection();
						Statement statement = connection.createStatement();
						ResultSet result = statement.executeQuery("SELECT current_user")) {
					result.next();
					System.out.println("PROBE ok " + result.getString(1) + " " + fingerprint);
				}
				catch (Exception ex) {
					System.out.println("PROBE failed " + ex.getClass().getName());
				}
			}
		}
	}

}
