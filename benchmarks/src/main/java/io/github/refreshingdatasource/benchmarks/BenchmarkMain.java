package io.github.refreshingdatasource.benchmarks;

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
 * Starts one embedded PostgreSQL, runs every benchmark against it in JMH forks, and writes
 * the comparison as Markdown tables into {@code docs/performance.md}.
 * <p>
 * Every comparison is a JMH group that runs plain HikariCP and the bound pool at the same
 * time in one JVM ({@link PoolBenchmarks}, {@link ReconnectBenchmarks}): on a shared machine
 * the background load drifts during a run, and measuring one side entirely before the other
 * would charge that drift to one of them.
 * <p>
 * Arguments: the Markdown file to write, then optionally {@code --quick} (one short
 * iteration each, to check that everything runs; the numbers mean nothing).
 */
public final class BenchmarkMain {

	/** JMH runs so far, to number their JSON result files. */
	private static int runs;

	private BenchmarkMain() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length < 1) {
			System.err.println("usage: BenchmarkMain <markdown file> [--quick]");
			System.exit(2);
		}
		Path markdown = Path.of(args[0]);
		boolean quick = List.of(args).contains("--quick");
		Settings settings = quick ? new Settings(1, 1, 1, 1, 1) : new Settings(2, 2, 2, 3, 2);
		Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
		String loadBefore = loadAverage();
		List<RunResult> results = new ArrayList<>();
		String postgresVersion;
		try (BenchDatabase database = BenchDatabase.start(100)) {
			postgresVersion = database.version();
			Path description = database.describe();
			String fork = "-D" + BenchDatabase.DESCRIPTION_PROPERTY + "=" + description;
			results.addAll(run(settings, fork, false, PoolBenchmarks.class, ReconnectBenchmarks.class));
			// The lookup needs no database; the GC profiler reports bytes allocated per call.
			results.addAll(run(settings, fork, true, CredentialLookupBenchmarks.class));
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
			Class<?>... benchmarks) throws Exception {
		Path resultFile = Path.of("benchmarks", "target", "jmh", (++runs) + ".json");
		Files.createDirectories(resultFile.getParent());
		ChainedOptionsBuilder options = new OptionsBuilder().forks(settings.forks())
			.warmupIterations(settings.warmupIterations())
			.warmupTime(TimeValue.seconds(settings.warmupSeconds()))
			.measurementIterations(settings.measurementIterations())
			.measurementTime(TimeValue.seconds(settings.measurementSeconds()))
			.jvmArgsAppend(forkArgument)
			.shouldFailOnError(true)
			.resultFormat(ResultFormatType.JSON)
			.result(resultFile.toString());
		for (Class<?> benchmark : benchmarks) {
			options.include("^" + benchmark.getName().replace(".", "\\.") + "\\.");
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

		String describe() {
			return this.forks + ((this.forks == 1) ? " fork" : " forks") + " × (" + this.warmupIterations
					+ " warm-up × " + this.warmupSeconds + " s + " + this.measurementIterations + " measurement × "
					+ this.measurementSeconds + " s)";
		}

	}

	record Environment(Instant date, int cpus, String jdk, String os, String postgres, String loadBefore,
			String loadAfter, String settings, boolean quick) {
	}

}
