package io.github.refreshingdatasource.benchmarks;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every measurement of {@code docs/performance.md} and writes its tables between the
 * {@code benchmarks} markers: the warm pool and the physical login in interleaved JMH forks
 * ({@link InterleavedForks}), the credential lookup, the cost in the number of DataSources
 * ({@link Scale}), latency through rotation (two short {@link Soak} runs with rotation every 2 s)
 * and recovery from an early revocation ({@link Recovery}).
 * <p>
 * Arguments: the Markdown file to write, then optionally {@code --quick}: a smoke run with
 * few forks and short iterations that proves every harness runs; its figures are labelled
 * as not a result.
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
		InterleavedForks.Plan plan = new InterleavedForks.Plan(quick ? 2 : 12, quick ? 1 : 4, quick ? 1 : 12,
				Duration.ofMillis(250));
		int scaleRuns = quick ? 1 : 15;
		Duration rotationRun = quick ? Duration.ofSeconds(20) : Duration.ofMinutes(3);
		int recoveryTrials = quick ? 2 : 20;
		Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
		String loadBefore = loadAverage();
		Map<String, InterleavedForks.Forks> interleaved = new LinkedHashMap<>();
		Collection<RunResult> lookup;
		String postgresVersion;
		try (BenchDatabase database = BenchDatabase.start(100)) {
			postgresVersion = database.version();
			Path description = database.describe();
			InterleavedForks forks = new InterleavedForks(plan,
					"-D" + BenchDatabase.DESCRIPTION_PROPERTY + "=" + description);
			String warm = WarmPoolBenchmarks.class.getName();
			interleaved.put("borrowReturn1", forks.run(warm + ".borrowReturn", 1, WarmPoolBenchmarks.SIDES));
			interleaved.put("borrowReturn8", forks.run(warm + ".borrowReturn", 8, WarmPoolBenchmarks.SIDES));
			interleaved.put("selectOne8", forks.run(warm + ".selectOne", 8, WarmPoolBenchmarks.SIDES));
			interleaved.put("login", forks.run(LoginBenchmarks.class.getName() + ".login", 1, LoginBenchmarks.SIDES));
			lookup = lookup(plan);
			Files.deleteIfExists(description);
		}
		List<Scale.Point> scale = Scale.measure(List.of(1, 10, 100, 1000), scaleRuns);
		// on-rotation: evict (every pooled connection replaced on each rotation), then the file provider's
		// default (keep) with the pool evicted every 700 ms, a period that does not divide the rotation's, so
		// logins fall evenly inside and outside the windows after rotations.
		List<Soak.Summary> rotation = List.of(new Soak().run(rotationRun, Duration.ofSeconds(2), null, true),
				new Soak().run(rotationRun, Duration.ofSeconds(2), Duration.ofMillis(700), false));
		List<Recovery.Outcome> recovery = new ArrayList<>();
		try (BenchDatabase database = BenchDatabase.start(50)) {
			recovery.add(Recovery.measure(database, "file", recoveryTrials));
			recovery.add(Recovery.measure(database, "command", recoveryTrials));
		}
		Environment environment = new Environment(started, Runtime.getRuntime().availableProcessors(),
				System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version"),
				System.getProperty("os.name") + " " + System.getProperty("os.arch"), postgresVersion, loadBefore,
				loadAverage(), plan.describe(), scaleRuns, quick);
		String tables = new PerformanceReport(
				new PerformanceReport.Results(interleaved, lookup, scale, rotation, recovery), environment)
			.render();
		MarkdownSection.write(markdown, "benchmarks", tables);
		System.out.println();
		System.out.println(tables);
		System.out.println("Written to " + markdown.toAbsolutePath());
		// Spring contexts of the soak and recovery runs leave daemon threads only; exit promptly anyway.
		System.exit(0);
	}

	private static Collection<RunResult> lookup(InterleavedForks.Plan plan) throws Exception {
		return new Runner(new OptionsBuilder().include("^" + CredentialLookupBenchmarks.class.getName() + "\\.")
			.forks(Math.min(plan.forks(), 3))
			.warmupIterations(2)
			.warmupTime(TimeValue.seconds(1))
			.measurementIterations(3)
			.measurementTime(TimeValue.seconds(1))
			.addProfiler(GCProfiler.class)
			.shouldFailOnError(true)
			.build()).run();
	}

	private static String loadAverage() {
		double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
		return (load < 0) ? "n/a" : String.format("%.2f", load);
	}

	record Environment(Instant date, int cpus, String jdk, String os, String postgres, String loadBefore,
			String loadAfter, String plan, int scaleRuns, boolean quick) {
	}

}
