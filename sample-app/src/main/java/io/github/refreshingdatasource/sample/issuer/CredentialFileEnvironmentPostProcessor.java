package io.github.refreshingdatasource.sample.issuer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives {@code demo.issuer.credential-file} and {@code demo.issuer.reporting-credential-file}
 * a place in a fresh temporary directory unless the first is set. They have to be known
 * before the DataSources are bound, because {@code application.yml} points the starter's
 * providers at them; each application context (each test context too) gets its own
 * directory, which {@link CredentialDirectory} removes when the context closes.
 */
class CredentialFileEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String PROPERTY = "demo.issuer.credential-file";

	static final String REPORTING_PROPERTY = "demo.issuer.reporting-credential-file";

	/** The temporary directory, set only when this post-processor created it. */
	static final String DIRECTORY_PROPERTY = "demo.issuer.temporary-directory";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.getProperty("demo.issuer.enabled", Boolean.class, true)) {
			return;
		}
		Map<String, Object> properties = new LinkedHashMap<>();
		String file = environment.getProperty(PROPERTY);
		if (file == null) {
			Path directory = createDirectory();
			properties.put(DIRECTORY_PROPERTY, directory.toString());
			file = directory.resolve("db-credentials.json").toString();
			properties.put(PROPERTY, file);
		}
		if (!environment.containsProperty(REPORTING_PROPERTY)) {
			properties.put(REPORTING_PROPERTY, Path.of(file).resolveSibling("reporting-token.json").toString());
		}
		if (!properties.isEmpty()) {
			environment.getPropertySources().addLast(new MapPropertySource("demoCredentialFiles", properties));
		}
	}

	private static Path createDirectory() {
		try {
			return Files.createTempDirectory("refreshing-datasource-demo-credentials-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not create a directory for the demo credential files", ex);
		}
	}

}
