package io.github.refreshingdatasource.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo as a new user starts it, with its own settings, then stopped: the log holds no
 * WARN or ERROR line, no "Did not clean up directory" from the embedded PostgreSQL, and
 * nothing is left behind. Only the port is chosen freely (and the address is the default
 * one, 127.0.0.1).
 */
@ExtendWith(OutputCaptureExtension.class)
class SampleStartStopLogTests {

	@Test
	void startAndStopLogNoWarningOrError(CapturedOutput output) {
		Path credentialDirectory;
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleApplication.class)
			.run("--server.port=0")) {
			assertThat(context.getEnvironment().getProperty("server.address")).isEqualTo("127.0.0.1");
			credentialDirectory = Path.of(context.getEnvironment().getRequiredProperty("demo.issuer.temporary-directory"));
			assertThat(credentialDirectory).isDirectory();
			// The lanes have run a few queries, so every pool has logged in.
			await().atMost(Duration.ofSeconds(30))
				.until(() -> output.getAll().contains("Dashboard: http://localhost:")
						&& output.getAll().contains("demo - Start completed")
						&& output.getAll().contains("plain - Start completed")
						&& output.getAll().contains("reporting - Start completed"));
		}
		List<String> noisy = output.getAll()
			.lines()
			.filter((line) -> line.contains(" WARN ") || line.contains(" ERROR ") || line.contains("Exception"))
			.toList();
		assertThat(noisy).as("WARN or ERROR lines of a clean start and stop").isEmpty();
		assertThat(output.getAll()).doesNotContain("Did not clean up directory")
			.contains("demo - Shutdown completed", "plain - Shutdown completed", "reporting - Shutdown completed");
		assertThat(Files.exists(credentialDirectory)).isFalse();
	}

}
