package io.github.refreshingdatasource.aot;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.testsupport.ScramPostgres;
import io.github.refreshingdatasource.testsupport.Secrets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplicationAotProcessor;
import org.springframework.context.aot.AbstractAotProcessor.Settings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring AOT processing of a small application with the starter, then that application
 * started from the generated code in its own JVM with {@code -Dspring.aot.enabled=true}
 * (bean definitions fixed at build time, no configuration-class parsing at run time), against
 * the real SCRAM-only PostgreSQL: it logs in, the role's password and the watched credential
 * file are rotated, and the next login uses the new credential. A native image is not built
 * (GraalVM cannot be installed here); the hints it would use are checked by
 * {@code RefreshingDataSourceRuntimeHintsTests}.
 */
class AotModeTests {

	private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(60);

	private static ScramPostgres postgres;

	private final Secrets secrets = new Secrets();

	@TempDir
	Path tempDir;

	@BeforeAll
	static void startPostgres() {
		postgres = ScramPostgres.start();
	}

	@AfterAll
	static void stopPostgres() {
		postgres.close();
	}

	@Test
	void processedApplicationStartsInAotModeAndFollowsARotation() throws Exception {
		String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
		Path sources = this.tempDir.resolve("sources");
		Path resources = this.tempDir.resolve("resources");
		Path classes = this.tempDir.resolve("classes");
		// Conditions are evaluated now, at build time: the provider type must be known here.
		String[] buildTimeArguments = { "--refreshing.datasource.provider.type=file" };
		Settings settings = Settings.builder()
			.sourceOutput(sources)
			.resourceOutput(resources)
			.classOutput(classes)
			.groupId("io.github.refreshingdatasource")
			.artifactId("aot-smoke")
			.build();
		new SpringApplicationAotProcessor(AotSmokeApplication.class, settings, buildTimeArguments).process();
		List<Path> generated = javaFiles(sources);
		assertThat(generated).extracting((path) -> path.getFileName().toString())
			.contains("AotSmokeApplication__ApplicationContextInitializer.java")
			.anyMatch((name) -> name.startsWith("RefreshingDataSourceAutoConfiguration__BeanDefinitions"));
		compile(generated, classpath, classes);

		String role = "aot_app";
		String first = this.secrets.newPassword();
		postgres.createLoginRole(role, first);
		Path file = this.tempDir.resolve("db.json");
		write(file, role, first);

		Process application = start(classpath, classes, resources, "--refreshing.datasource.provider.type=file",
				"--refreshing.datasource.provider.file.path=" + file, "--refreshing.datasource.allow-insecure-transport=true",
				"--refreshing.datasource.on-rotation=evict", "--spring.datasource.url=" + postgres.jdbcUrl(),
				"--spring.datasource.hikari.maximum-pool-size=2");
		BlockingQueue<String> lines = new LinkedBlockingQueue<>();
		StringBuilder output = new StringBuilder();
		Thread reader = new Thread(() -> readLines(application, lines, output), "aot-app-output");
		reader.setDaemon(true);
		reader.start();
		try (Writer commands = application.outputWriter(StandardCharsets.UTF_8)) {
			assertThat(next(lines, "AOT ", output)).isEqualTo("AOT true");
			assertThat(probe(commands, lines, output))
				.isEqualTo("PROBE ok " + role + " " + DbCredential.of(role, first, null).fingerprint());

			String second = this.secrets.newPassword();
			postgres.setPassword(role, second);
			write(file, role, second);
			String rotated = "PROBE ok " + role + " " + DbCredential.of(role, second, null).fingerprint();
			// The watch reads the rewritten file at once; until then a probe may still see the old one.
			long deadline = System.nanoTime() + PROBE_TIMEOUT.toNanos();
			String result = probe(commands, lines, output);
			while (!result.equals(rotated) && System.nanoTime() < deadline) {
				result = probe(commands, lines, output);
			}
			assertThat(result).as(output::toString).isEqualTo(rotated);
		}
		finally {
			if (!application.waitFor(30, TimeUnit.SECONDS)) {
				application.destroyForcibly();
			}
			reader.join(10_000);
		}
		assertThat(application.exitValue()).as(output::toString).isZero();
		this.secrets.assertNoneIn(output.toString());
	}

	private static List<Path> javaFiles(Path sources) throws IOException {
		try (Stream<Path> files = Files.walk(sources)) {
			return files.filter((path) -> path.toString().endsWith(".java")).toList();
		}
	}

	private static void compile(List<Path> sources, String classpath, Path classes) {
		JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
		List<String> arguments = new ArrayList<>(List.of("-proc:none", "-nowarn", "-classpath", classpath, "-d",
				classes.toString(), "--release", "17"));
		sources.forEach((source) -> arguments.add(source.toString()));
		assertThat(compiler.run(null, null, null, arguments.toArray(String[]::new))).as("javac exit code").isZero();
	}

	private static Process start(String classpath, Path classes, Path resources, String... arguments)
			throws IOException {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Dspring.aot.enabled=true", "-XX:TieredStopAtLevel=1", "-cp",
				classes + File.pathSeparator + resources + File.pathSeparator + classpath,
				AotSmokeApplication.class.getName()));
		command.addAll(List.of(arguments));
		return new ProcessBuilder(command).redirectErrorStream(true).start();
	}

	private static void readLines(Process application, BlockingQueue<String> lines, StringBuilder output) {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(application.getInputStream(), StandardCharsets.UTF_8))) {
			for (String line = reader.readLine(); line != null; line = reader.readLine()) {
				synchronized (output) {
					output.append(line).append('\n');
				}
				lines.add(line);
			}
		}
		catch (IOException ex) {
			// The process ended: what it printed is in the output.
		}
	}

	private static String probe(Writer commands, BlockingQueue<String> lines, StringBuilder output)
			throws IOException, InterruptedException {
		commands.write("probe\n");
		commands.flush();
		return next(lines, "PROBE ", output);
	}

	private static String next(BlockingQueue<String> lines, String prefix, StringBuilder output)
			throws InterruptedException {
		long deadline = System.nanoTime() + PROBE_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			String line = lines.poll(1, TimeUnit.SECONDS);
			if (line != null && line.startsWith(prefix)) {
				return line;
			}
		}
		throw new AssertionError("no line starting with '" + prefix + "' within " + PROBE_TIMEOUT + ":\n" + output);
	}

	private static void write(Path file, String username, String password) throws IOException {
		Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
		Files.writeString(temporary, "{\"username\": \"" + username + "\", \"password\": \"" + password + "\"}");
		Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
	}

}
