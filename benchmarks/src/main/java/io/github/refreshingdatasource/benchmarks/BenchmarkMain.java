package io.github.refreshingdatasource.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Starts one embedded PostgreSQL, runs every benchmark against it (each in its own JVM fork,
 * plain HikariCP and the bound pool alike), and writes the comparison as a Markdown table
 * into {@code docs/performance.md}.
 * <p>
 * Arguments: the Markdown file to write, then optionally {@code --quick} (one short
 * iteration each, to check that everything runs; the numbers mean nothing).
 */
public final class BenchmarkMain {

	private BenchmarkMain() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length < 1) {
			System.err.println("usage: BenchmarkMain <markdown file> [--quick]");
			System.exit(2);
		}
		Path markdown = Path.of(args[0]);
		boolean quick = List.of(args).contains("--quick");
		Settings settings = quick ? new Settings(1, 1, 1, 1) : new Settings(1, 3, 2, 5, 2);
		Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
		String loadBefore = loadAverage();
		List<RunResult> results = new ArrayList<>();
		String postgresVersion;
		try (BenchDatabase database = BenchDatabase.start(100)) {
			postgresVersion = database.version();
			Path description = database.describe();
			String fork = "-D" + BenchDatabase.DESCRIPTION_PROPERTY + "=" + description;
			results.addAll(run(settings, fork, false, PoolBenchmarks.class.getName(),
					ReconnectBenchmarks.class.getName()));
			// The lookup needs no database; the GC profiler reports bytes allocated per call.
			results.addAll(run(settings, fork, true, CredentialLookupBenchmarks.class.getName()));
			Files.deleteIfExists(description);
		}
		Environment environment = new Environment(started, Runtime.getRuntime().availableProcessors(),
				System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version"),
				System.getProperty("os.name") + " " + System.getProperty("os.arch"), postgresVersion, loadBefore,
				loadAverage(), settings.describe(), quick);
		String table = new PerformanceReport(results, environment).render();
		MarkdownSection.write(markdown, "benchmarks", table);
		System.out.println();
		System.out.println(table);
		System.out.println();
		System.out.println("Written to " + markdown.toAbsolutePath());
	}

	private static Collection<RunResult> run(Settings settings, String forkArgument, boolean gcProfiler,
			String... includes) throws Exception {
		ChainedOptionsBuilder options = new OptionsBuilder().forks(settings.forks())
			.warmupIterations(settings.warmupIterations())
			.warmupTime(TimeValue.seconds(settings.warmupSeconds()))
			.measurementIterations(settings.measurementIterations())
			.measurementTime(TimeValue.seconds(settings.measurementSeconds()))
			.jvmArgsAppend(forkArgument)
			.shouldFailOnError(true)
			.resultFormat(ResultFormatType.JSON)
			.result("benchmarks/target/jmh-" + (gcProfiler ? "lookup" : "pool") + ".json");
		for (String include : includes) {
			options.include("^" + include.replace(".", "\\.") + "\\.");
		}
		if (gcProfiler) {
			options.addProfiler(GCProfiler.class);
		}
		return new Runner(options.build()).run();
	}

	private static String loadAverage() {
		double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
		return (load < 0) ? "n/a" : String.format("%.2f", load);
	}

	record Settings(int forks, int warmupIterations, int warmupSeconds, int measurementIterations,
			int measurementSeconds) {

		Settings(int warmupIterations, int warmupSeconds, int measurementIterations, int measurementSeconds) {
			this(1, warmupIterations, warmupSeconds, measurementIterations, measurementSeconds);
		}

		String describe() {
			return this.forks + " fork, " + this.warmupIterations + " warm-up × " + this.warmupSeconds + " s, "
					+ this.measurementIterations + " measurement × " + this.measurementSeconds + " s";
		}

	}

	record Environment(Instant date, int cpus, String jdk, String os, String postgres, String loadBefore,
			String loadAfter, String settings, boolean quick) {
	}

}
