package io.github.refreshingdatasource.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.Credentials;
import io.github.refreshingdatasource.autoconfigure.provider.CredentialProviderFactory;
import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.credentials.CredentialCacheRegistry;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.DbCredential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RefreshingDataSourceAutoConfiguration}. The pools never start here
 * (nothing asks for a connection), so the JDBC URL points nowhere.
 */
class RefreshingDataSourceAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(DataSourceAutoConfiguration.class, RefreshingDataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://localhost:1/none",
				"spring.datasource.username=app_user");

	@TempDir
	Path tempDir;

	@Test
	void staticProviderIsSelectedByProperty() {
		this.runner
			.withPropertyValues("refreshing.datasource.provider.type=static",
					"refreshing.datasource.provider.static.username=dev", "refreshing.datasource.provider.static.password=s3cret-static")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(cache(context, "dataSource").getProviderType()).isEqualTo("static");
				Credentials credentials = hikari(context, "dataSource").getCredentialsProvider().getCredentials();
				assertThat(credentials.getUsername()).isEqualTo("dev");
				assertThat(credentials.getPassword()).isEqualTo("s3cret-static");
			});
	}

	@Test
	void fileProviderIsSelectedByPropertyAndUsesSpringDatasourceUsername() throws Exception {
		Path file = Files.writeString(this.tempDir.resolve("password"), "file-secret\n");
		this.runner
			.withPropertyValues("refreshing.datasource.provider.type=file",
					"refreshing.datasource.provider.file.path=" + file)
			.run((context) -> {
				assertThat(cache(context, "dataSource").getProviderType()).isEqualTo("file");
				Credentials credentials = hikari(context, "dataSource").getCredentialsProvider().getCredentials();
				assertThat(credentials.getUsername()).isEqualTo("app_user");
				assertThat(credentials.getPassword()).isEqualTo("file-secret");
			});
	}

	@Test
	void commandProviderIsSelectedByPropertyAndReadsJson() {
		this.runner
			.withPropertyValues("refreshing.datasource.provider.type=command",
					"refreshing.datasource.provider.command.command=sh,-c,printf '{\"accessToken\":\"cmd-token\"}'",
					"refreshing.datasource.provider.command.token-field=accessToken",
					"refreshing.datasource.username=token_user")
			.run((context) -> {
				assertThat(cache(context, "dataSource").getProviderType()).isEqualTo("command");
				Credentials credentials = hikari(context, "dataSource").getCredentialsProvider().getCredentials();
				assertThat(credentials.getUsername()).isEqualTo("token_user");
				assertThat(credentials.getPassword()).isEqualTo("cmd-token");
			});
	}

	@Test
	void beanProviderIsSelectedByName() {
		this.runner.withUserConfiguration(TwoProviders.class)
			.withPropertyValues("refreshing.datasource.provider.type=bean",
					"refreshing.datasource.provider.bean.name=secondProvider")
			.run((context) -> {
				assertThat(cache(context, "dataSource").getProviderType()).isEqualTo("bean");
				assertThat(hikari(context, "dataSource").getCredentialsProvider().getCredentials().getPassword())
					.isEqualTo("second");
			});
	}

	@Test
	void singleProviderBeanIsUsedWhenNoTypeIsSet() {
		this.runner.withUserConfiguration(OneProvider.class).run((context) -> {
			assertThat(cache(context, "dataSource").getProviderType()).isEqualTo("bean");
			assertThat(hikari(context, "dataSource").getCredentialsProvider().getCredentials().getPassword())
				.isEqualTo("only");
		});
	}

	@Test
	void perBeanOverridesReplaceOnlyTheSettingsTheyName() {
		this.runner.withUserConfiguration(TwoDataSources.class)
			.withPropertyValues("refreshing.datasource.provider.type=static",
					"refreshing.datasource.provider.static.username=main",
					"refreshing.datasource.provider.static.password=main-secret",
					"refreshing.datasource.refresh.fetch-timeout=7s", "refreshing.datasource.refresh.jitter=3s",
					"refreshing.datasource.datasources.reportingDataSource.provider.type=command",
					"refreshing.datasource.datasources.reportingDataSource.provider.command.command=sh,-c,echo report-token",
					"refreshing.datasource.datasources.reportingDataSource.username=reporter",
					"refreshing.datasource.datasources.reportingDataSource.refresh.fetch-timeout=2s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				CredentialCache main = cache(context, "dataSource");
				CredentialCache reporting = cache(context, "reportingDataSource");
				assertThat(main.getProviderType()).isEqualTo("static");
				assertThat(main.getSettings().fetchTimeout()).isEqualTo(Duration.ofSeconds(7));
				assertThat(reporting.getProviderType()).isEqualTo("command");
				assertThat(reporting.getSettings().fetchTimeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(reporting.getSettings().jitter()).isEqualTo(Duration.ofSeconds(3));
				Credentials credentials = hikari(context, "reportingDataSource").getCredentialsProvider()
					.getCredentials();
				assertThat(credentials.getUsername()).isEqualTo("reporter");
				assertThat(credentials.getPassword()).isEqualTo("report-token");
			});
	}

	@Test
	void excludedDataSourceIsLeftAlone() {
		this.runner.withUserConfiguration(TwoDataSources.class)
			.withPropertyValues("refreshing.datasource.provider.type=static",
					"refreshing.datasource.provider.static.password=main-secret",
					"refreshing.datasource.datasources.reportingDataSource.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				CredentialCacheRegistry registry = context.getBean(CredentialCacheRegistry.class);
				assertThat(registry.get("dataSource")).isNotNull();
				assertThat(registry.get("reportingDataSource")).isNull();
				assertThat(hikari(context, "reportingDataSource").getCredentialsProvider()).isNull();
			});
	}

	@Test
	void hikariDataSourceBehindAProxyIsBound() {
		this.runner.withUserConfiguration(ProxiedDataSource.class)
			.withPropertyValues("refreshing.datasource.provider.type=static",
					"refreshing.datasource.provider.static.username=proxied",
					"refreshing.datasource.provider.static.password=proxied-secret")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				DataSource bean = context.getBean("dataSource", DataSource.class);
				assertThat(bean).isNotInstanceOf(HikariDataSource.class);
				HikariDataSource target = bean.unwrap(HikariDataSource.class);
				assertThat(target.getCredentialsProvider().getCredentials().getPassword()).isEqualTo("proxied-secret");
				assertThat(cache(context, "dataSource")).isNotNull();
			});
	}

	@Test
	void nonHikariDataSourceFailsStartupWithItsNameAndType() {
		this.runner.withUserConfiguration(NonHikariDataSource.class)
			.withPropertyValues("refreshing.datasource.provider.type=static",
					"refreshing.datasource.provider.static.password=x")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context);
				assertThat(analysis.getDescription()).contains("'plainDataSource'")
					.contains(SimpleDriverDataSource.class.getName())
					.contains("only HikariCP (com.zaxxer.hikari.HikariDataSource), Tomcat JDBC");
				assertThat(analysis.getAction())
					.contains("refreshing.datasource.datasources.plainDataSource.enabled=false");
			});
	}

	@Test
	void nonHikariDataSourceIsAcceptedWhenExcluded() {
		this.runner.withUserConfiguration(NonHikariDataSource.class)
			.withPropertyValues("refreshing.datasource.provider.type=static",
					"refreshing.datasource.provider.static.password=x",
					"refreshing.datasource.datasources.plainDataSource.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void fileProviderWithoutPathFailsStartup() {
		this.runner.withPropertyValues("refreshing.datasource.provider.type=file").run((context) -> {
			FailureAnalysis analysis = analyze(context);
			assertThat(analysis.getDescription()).contains("'dataSource'")
				.contains("refreshing.datasource.provider.file.path is not set");
			assertThat(analysis.getAction()).contains("Set refreshing.datasource.provider.file.path")
				.contains("refreshing.datasource.datasources.dataSource.provider.file.path");
		});
	}

	@Test
	void commandThatIsNotFoundFailsStartup() {
		this.runner
			.withPropertyValues("refreshing.datasource.provider.type=command",
					"refreshing.datasource.provider.command.command=no-such-credential-tool,--json")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context);
				assertThat(analysis.getDescription()).contains("'no-such-credential-tool' was not found");
				assertThat(analysis.getAction()).contains("refreshing.datasource.provider.command.command");
			});
	}

	@Test
	void unknownProviderBeanFailsStartup() {
		this.runner.withUserConfiguration(OneProvider.class)
			.withPropertyValues("refreshing.datasource.provider.type=bean",
					"refreshing.datasource.provider.bean.name=missingProvider")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context);
				assertThat(analysis.getDescription()).contains("no CredentialProvider bean of that name")
					.contains("onlyProvider");
				assertThat(analysis.getAction()).contains("'missingProvider'");
			});
	}

	@Test
	void noProviderTypeAndNoProviderBeanFailsStartup() {
		this.runner.run((context) -> {
			FailureAnalysis analysis = analyze(context);
			assertThat(analysis.getDescription()).contains("has no credential provider");
			assertThat(analysis.getAction()).contains("refreshing.datasource.provider.type")
				.contains("refreshing.datasource.enabled=false");
		});
	}

	@Test
	void staticProviderWithoutPasswordFailsStartup() {
		this.runner.withPropertyValues("refreshing.datasource.provider.type=static").run((context) -> {
			FailureAnalysis analysis = analyze(context);
			assertThat(analysis.getDescription()).contains("refreshing.datasource.provider.static.password is not set");
		});
	}

	@Test
	void poolStartedBeforeBindingFailsStartup() {
		this.runner.withUserConfiguration(StartedPool.class)
			.withPropertyValues("refreshing.datasource.provider.type=static",
					"refreshing.datasource.provider.static.password=x")
			.run((context) -> {
				FailureAnalysis analysis = analyze(context);
				assertThat(analysis.getDescription()).contains("'startedDataSource'").contains("already started");
				assertThat(analysis.getAction()).contains("new HikariDataSource(HikariConfig)");
			});
	}

	/**
	 * HikariCP is optional since other pools are bound (RuntimeCredentialBinderIntegrationTests
	 * binds Tomcat JDBC without it); a DataSource of no supported pool still fails startup.
	 */
	@Test
	void withoutHikariAnUnsupportedDataSourceStillFailsStartup() {
		this.runner.withClassLoader(new FilteredClassLoader(HikariDataSource.class))
			.withUserConfiguration(NonHikariDataSource.class)
			.run((context) -> assertThat(TokenProviderAutoConfigurationTests.analyze(context).getDescription())
				.contains("DataSource 'plainDataSource'", "cannot be bound to rotating credentials"));
	}

	@Test
	void backsOffWhenDisabled() {
		this.runner.withPropertyValues("refreshing.datasource.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(CredentialCacheRegistry.class);
			assertThat(hikari(context, "dataSource").getCredentialsProvider()).isNull();
		});
	}

	@Test
	void onlyTheConfiguredProviderTypesAreSetUp() {
		this.runner
			.withPropertyValues("refreshing.datasource.provider.type=static",
					"refreshing.datasource.provider.static.password=x")
			.run((context) -> assertThat(context.getBeansOfType(CredentialProviderFactory.class).values())
				.extracting(CredentialProviderFactory::type)
				.containsExactly(ProviderType.STATIC));
	}

	private static CredentialCache cache(AssertableApplicationContext context, String name) {
		CredentialCache cache = context.getBean(CredentialCacheRegistry.class).get(name);
		assertThat(cache).as("cache of " + name).isNotNull();
		return cache;
	}

	private static HikariDataSource hikari(AssertableApplicationContext context, String name) throws Exception {
		return context.getBean(name, DataSource.class).unwrap(HikariDataSource.class);
	}

	private static FailureAnalysis analyze(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		FailureAnalysis analysis = new RefreshingDataSourceFailureAnalyzer().analyze(context.getStartupFailure());
		assertThat(analysis).as("failure analysis of " + context.getStartupFailure()).isNotNull();
		return analysis;
	}

	private static HikariDataSource pool(String name) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl("jdbc:postgresql://localhost:1/" + name);
		dataSource.setPoolName(name);
		return dataSource;
	}

	@Configuration(proxyBeanMethods = false)
	static class OneProvider {

		@Bean
		CredentialProvider onlyProvider() {
			return () -> DbCredential.of("bean_user", "only", null);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoProviders {

		@Bean
		CredentialProvider firstProvider() {
			return () -> DbCredential.of("bean_user", "first", null);
		}

		@Bean
		CredentialProvider secondProvider() {
			return () -> DbCredential.of("bean_user", "second", null);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoDataSources {

		@Bean
		HikariDataSource dataSource() {
			return pool("main");
		}

		@Bean
		HikariDataSource reportingDataSource() {
			return pool("reporting");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ProxiedDataSource {

		@Bean
		DataSource dataSource() {
			ProxyFactory proxyFactory = new ProxyFactory(pool("proxied"));
			proxyFactory.addInterface(DataSource.class);
			return (DataSource) proxyFactory.getProxy();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NonHikariDataSource {

		@Bean
		DataSource plainDataSource() {
			return new SimpleDriverDataSource();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class StartedPool {

		@Bean(destroyMethod = "close")
		HikariDataSource startedDataSource() {
			HikariConfig config = new HikariConfig();
			config.setJdbcUrl("jdbc:postgresql://localhost:1/started");
			config.setInitializationFailTimeout(-1);
			return new HikariDataSource(config);
		}

	}

}
