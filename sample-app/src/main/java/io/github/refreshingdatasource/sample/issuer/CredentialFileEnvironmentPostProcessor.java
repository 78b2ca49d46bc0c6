package io.github.refreshingdatasource.sample.issuer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.FileSystemUtils;

/**
 * Gives {@code demo.issuer.credential-file} a place in a fresh temporary directory, removed
 * on exit, unless it is set. It has to exist before the DataSource is bound, because
 * {@code application.yml} points the starter's file provider at it; each application
 * context (each test context too) gets its own.
 */
class CredentialFileEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String PROPERTY = "demo.issuer.credential-file";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (environment.containsProperty(PROPERTY)
				|| !environment.getProperty("demo.issuer.enabled", Boolean.class, true)) {
			return;
		}
		Path directory = createDirectory();
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> FileSystemUtils.deleteRecursively(directory.toFile()),
					"demo-credential-directory-cleaner"));
		environment.getPropertySources()
			.addLast(new MapPropertySource("demoCredentialFile",
					Map.of(PROPERTY, directory.resolve("db-credentials.json").toString())));
	}

	private static Path createDirectory() {
		try {
			return Files.createTempDirectory("refreshing-datasource-demo-credentials-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not create a directory for the demo credential file", ex);
		}
	}

}
