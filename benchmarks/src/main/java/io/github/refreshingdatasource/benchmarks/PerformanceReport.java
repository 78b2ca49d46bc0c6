package io.github.refreshingdatasource.benchmarks;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * Turns every measurement of {@link BenchmarkMain} into the Markdown of
 * {@code docs/performance.md}: each figure with its goal and whether it meets it.
 */
final class PerformanceReport {

	/** The most threads the shared engine starts: 1 scheduler, 4 refresh and 8 fetch threads. */
	private static final int ENGINE_THREAD_BOUND = 1 + 4 + 8;

	/** Everything one run measured. */
	record Results(Map<String, InterleavedForks.Forks> interleaved, Collection<RunResult> lookup,
			List<Scale.Point> scale, List<Soak.Summary> rotation, List<Recovery.Outcome> recovery) {
	}

	private static final String NO_VERDICT = "too few samples or interval wider than the goal's margin: no verdict";

	private final Results results;

	private final BenchmarkMain.Environment environment;

	PerformanceReport(Results results, BenchmarkMain.Environment environment) {
		this.results = results;
		this.environment = environment;
	}

	String render() {
		StringBuilder out = new StringBuilder();
		BenchmarkMain.Environment env = this.environment;
		if (env.quick()) {
			out.append("> **Smoke run (`--quick`) on a loaded machine, not a result**: few forks and short iterations, ")
				.append("to prove every harness runs. Read no figure below as a measurement.\n\n");
		}
		out.append("Measured ").append(env.date()).append(" by `benchmarks/run.sh")
			.append(env.quick() ? " --quick" : "").append("` on ").append(env.cpus()).append(" CPUs, ")
			.append(env.os()).append(", JDK ").append(env.jdk()).append(", PostgreSQL ").append(env.postgres())
			.append(" (embedded, scram-sha-256), JMH 1.37. System load average ").append(env.loadBefore())
			.append(" before, ").append(env.loadAfter()).append(" at the end (which counts this run's own soak ")
			.append("threads and database processes).\n\n");
		warmPath(out);
		login(out);
		lookup(out);
		scale(out);
		rotation(out);
		recovery(out);
		return out.toString();
	}

	private void warmPath(StringBuilder out) {
		out.append("### Warm pool\n\n");
		out.append("Both pools are open in each JMH fork and measured in turn, one short JMH iteration each, in ")
			.append("cycles plain, bound, bound, plain (").append(this.environment.plan())
			.append("). Each cycle gives a ratio, bound over plain, from iterations a fraction of a second apart; ")
			.append("a fork's ratio is the median of its cycles'; the figure is the median of the forks' ratios ")
			.append("with a 95 % bootstrap interval over forks. The sides' columns are medians of the forks' mean ")
			.append("scores. ")
			.append("That the binding is not on this path at all is proven by counting, not timing: ")
			.append("`WarmPathCountingIntegrationTests` (in `./mvnw verify`) runs a million borrows on a warm bound ")
			.append("pool and asserts zero calls to the credential cache, the binding's DataSource and the provider.\n\n");
		out.append("| Figure | Plain HikariCP (median) | Refreshing DataSource (median) | Ratio [95 % interval] | Goal | Result |\n");
		out.append("|---|---:|---:|---:|---|---|\n");
		warmRow(out, "Borrow/return, warm pool of 8, 1 thread", "borrowReturn1");
		warmRow(out, "Borrow/return, warm pool of 8, 8 threads", "borrowReturn8");
		warmRow(out, "`SELECT 1`, 8 threads", "selectOne8");
		out.append('\n');
	}

	private void warmRow(StringBuilder out, String label, String key) {
		InterleavedForks.Forks forks = this.results.interleaved().get(key);
		RatioInterval ratio = forks.ratio(Pools.REFRESHING, Pools.PLAIN);
		boolean tight = ratio.judgeable(0.03);
		boolean meets = tight && ratio.low() >= 0.97;
		out.append("| ").append(label).append(" | ").append(format(median(forks.scores(Pools.PLAIN))))
			.append(" ops/s | ").append(format(median(forks.scores(Pools.REFRESHING)))).append(" ops/s | ")
			.append(ratio.describe()).append(" | ratio ≥ 0.97, interval ≤ ±3 % | ")
			.append(meets ? "meets" : tight ? "below goal" : NO_VERDICT)
			.append(" |\n");
	}

	private void login(StringBuilder out) {
		InterleavedForks.Forks forks = this.results.interleaved().get("login");
		out.append("### Physical login\n\n");
		out.append("One SCRAM-SHA-256 login as HikariCP performs it for a new connection (ask the credentials ")
			.append("provider, then `getConnection(user, password)` on the DataSource it logs in through), called ")
			.append("directly, so HikariCP's connection adder (which pauses 30 ms after each connection) does not ")
			.append("pace it. Same method as above (the three sides in turn, in cycles plain, cached, per-connection ")
			.append("fetch and back; the median over forks of each fork's median cycle ratio, with a bootstrap interval). ")
			.append("The slow provider takes ").append(Pools.SLOW_PROVIDER.toMillis()).append(" ms per call.\n\n");
		out.append("| Side | Mean login (median of forks) |\n|---|---:|\n");
		out.append("| Plain HikariCP, static password | ").append(format(median(forks.scores(Pools.PLAIN))))
			.append(" ms |\n");
		out.append("| Bound pool, slow provider behind the cache | ").append(format(median(forks.scores(Pools.CACHED))))
			.append(" ms |\n");
		out.append("| Slow provider called on every login | ")
			.append(format(median(forks.scores(Pools.PER_CONNECTION_FETCH)))).append(" ms |\n\n");
		RatioInterval speedup = forks.ratio(Pools.PER_CONNECTION_FETCH, Pools.CACHED);
		RatioInterval overhead = forks.ratio(Pools.CACHED, Pools.PLAIN);
		out.append("| Figure | Ratio [95 % interval] | Goal | Result |\n|---|---:|---|---|\n");
		out.append("| Per-connection fetch time over cached login time | ").append(speedup.describe())
			.append(" | ≥ 4× | ")
			.append((speedup.samples() < RatioInterval.MIN_SAMPLES) ? NO_VERDICT
					: (speedup.low() >= 4) ? "meets" : "below goal")
			.append(" |\n");
		out.append("| Cached login time over plain HikariCP login time | ").append(overhead.describe())
			.append(" | ≤ 1.03, interval ≤ ±3 % | ")
			.append(!overhead.judgeable(0.03) ? NO_VERDICT
					: (overhead.high() <= 1.03) ? "meets" : "below goal")
			.append(" |\n\n");
	}

	private void lookup(StringBuilder out) {
		out.append("### Credential lookup\n\n");
		out.append("On the way to each new physical connection (`-prof gc`, one JMH run, JMH's 99.9 % error):\n\n");
		out.append("| Call | Time | Allocated | Goal | Result |\n|---|---:|---:|---|---|\n");
		lookupRow(out, "`CredentialCache.get()`", "cacheGet", true);
		lookupRow(out, "`HikariCredentialsProvider.getCredentials()` of the bound pool", "hikariCredentialsProvider",
				false);
		lookupRow(out, "Plain HikariCP `HikariConfig.getCredentials()` (baseline)", "plainHikariCredentials", false);
		out.append('\n');
	}

	private void lookupRow(StringBuilder out, String label, String benchmark, boolean goal) {
		RunResult result = this.results.lookup()
			.stream()
			.filter((run) -> run.getParams().getBenchmark().endsWith("." + benchmark))
			.findFirst()
			.orElse(null);
		if (result == null) {
			out.append("| ").append(label).append(" | not run | | | |\n");
			return;
		}
		Result<?> primary = result.getPrimaryResult();
		Double allocated = allocatedPerOperation(result);
		out.append("| ").append(label).append(" | ").append(format(primary.getScore())).append(" ± ")
			.append(format(primary.getScoreError())).append(" ns | ")
			.append((allocated != null) ? format(allocated) + " B/op" : "n/a").append(" | ");
		if (goal) {
			boolean meets = primary.getScore() < 50 && allocated != null && allocated < 1;
			out.append("< 50 ns, 0 B/op | ").append(meets ? "meets" : "below goal").append(" |\n");
		}
		else {
			out.append(" | |\n");
		}
	}

	@SuppressWarnings("rawtypes")
	private static @Nullable Double allocatedPerOperation(RunResult result) {
		for (Map.Entry<String, Result> entry : result.getSecondaryResults().entrySet()) {
			if (entry.getKey().endsWith("gc.alloc.rate.norm")) {
				return entry.getValue().getScore();
			}
		}
		return null;
	}

	private void scale(StringBuilder out) {
		out.append("### Cost in the number of DataSources\n\n");
		out.append("A Spring Boot application with N HikariCP DataSource beans (minimum idle 0, pools not started, so ")
			.append("neither side opens a connection), with the starter (`static` provider) and with the starter's ")
			.append("auto-configurations excluded; each measurement in a fresh JVM (`-Xmx1g -XX:+UseSerialGC`), ")
			.append("the two sides alternating, ").append(this.environment.scaleRuns())
			.append(" pairs of JVMs for N = 10, three times that for N = 1 (where the startup goal is judged), a third of that for larger N. Heap: used heap after repeated full GCs (`MemoryMXBean`), median with ")
			.append("the starter minus median without, divided by N. Engine threads: live threads named ")
			.append("`refreshing-datasource*`. Startup: `SpringApplication.run`; the ratio is the median of the ")
			.append("pairs' ratios (each pair two JVMs started one after the other) with a 95 % bootstrap interval.\n\n");
		out.append("| N | Engine threads | All threads with / without | Heap per DataSource | Startup with / without | ")
			.append("Startup ratio [95 % interval] |\n|---:|---:|---:|---:|---:|---:|\n");
		for (Scale.Point point : this.results.scale()) {
			out.append("| ").append(point.count()).append(" | ").append(point.engineThreads()).append(" | ")
				.append(point.threadsWith()).append(" / ").append(point.threadsWithout()).append(" | ")
				.append(format(point.heapPerDataSource() / 1024)).append(" KB | ")
				.append(format(point.withStartupMillis())).append(" / ").append(format(point.withoutStartupMillis()))
				.append(" ms | ").append(point.startup().describe()).append(" |\n");
		}
		List<Scale.Point> points = this.results.scale();
		Scale.Point largest = points.get(points.size() - 1);
		Scale.Point smallest = points.get(0);
		// The shared engine threads are bounded by RefreshThreads' defaults (1 scheduler + 4 refresh + 8 fetch),
		// whatever N; right after startup some pool threads are still alive, idle ones time out after 30 s.
		boolean threadsConstant = points.stream().allMatch((point) -> point.engineThreads() <= ENGINE_THREAD_BOUND);
		out.append("\n| Goal | Figure | Result |\n|---|---|---|\n");
		out.append("| Engine threads O(1) in N | ").append(smallest.engineThreads()).append(" at N = ")
			.append(smallest.count()).append(", ").append(largest.engineThreads()).append(" at N = ")
			.append(largest.count()).append(" | ").append(threadsConstant ? "meets (at most " + ENGINE_THREAD_BOUND + " at every N)"
					: "below goal: more than the shared pools' " + ENGINE_THREAD_BOUND + " threads")
			.append(" |\n");
		out.append("| ≤ 50 KB heap per DataSource (at N = ").append(largest.count()).append(") | ")
			.append(format(largest.heapPerDataSource() / 1024)).append(" KB | ")
			.append((largest.heapPerDataSource() <= 50 * 1024) ? "meets" : "below goal").append(" |\n");
		RatioInterval startup = smallest.startup();
		out.append("| Startup overhead ≤ 5 % at N = 1 | ").append(startup.describe()).append(" | ")
			.append(!startup.judgeable(0.05) ? NO_VERDICT
					: (startup.high() <= 1.05) ? "meets" : "below goal")
			.append(" |\n\n");
	}

	private void rotation(StringBuilder out) {
		out.append("### Latency through rotation\n\n");
		out.append("The soak application (starter, `file` provider, 16 threads, pool of 8), credentials rotating ")
			.append("every 2 s, in two settings, one run each. \"Around\" is a query that starts within ")
			.append(Soak.ROTATION_WINDOW.toMillis()).append(" ms after a rotation's credential write, \"between\" ")
			.append("any other. Percentiles from the sorted samples. A p99 ratio is taken from every sample; its ")
			.append("95 % interval is a bootstrap over rotation cycles (").append(RotationWindows.RESAMPLES)
			.append(" resamples of the cycles, each a rotation's window and the time up to the next rotation, with ")
			.append("the p99s read from 1 % wide histogram buckets), so a stall of the machine weighs on whole ")
			.append("cycles, as it happened.\n\n");
		for (Soak.Summary soak : this.results.rotation()) {
			rotationRun(out, soak);
		}
	}

	private static void rotationRun(StringBuilder out, Soak.Summary soak) {
		RotationWindows windows = soak.windows();
		out.append("**").append(soak.evictOnRotation() ? "`on-rotation: evict`" : "`on-rotation: keep` (the `file` provider's default)")
			.append(", ").append((soak.evictEvery() != null)
					? "pool also soft-evicted every " + soak.evictEvery().toMillis() + " ms, out of step with rotations"
					: "no other evictions")
			.append(".** ").append(soak.took().toSeconds()).append(" s, ")
			.append(String.format(Locale.ROOT, "%,d", soak.queries())).append(" queries, ").append(soak.failures())
			.append(" failed, ").append(soak.rotations()).append(" rotations, ")
			.append(String.format(Locale.ROOT, "%,d", soak.logins())).append(" physical logins, ")
			.append(soak.rejections()).append(" rejected.\n\n");
		out.append("| Operation | Window | n | p50 | p99 | p99.9 |\n|---|---|---:|---:|---:|---:|\n");
		samplesRow(out, "`getConnection()`", "around rotations", windows.aroundConnect());
		samplesRow(out, "`getConnection()`", "between rotations", windows.betweenConnect());
		samplesRow(out, "borrow + indexed query", "around rotations", windows.aroundQuery());
		samplesRow(out, "borrow + indexed query", "between rotations", windows.betweenQuery());
		out.append("\n| Figure | Ratio [95 % interval] | Goal | Result |\n|---|---:|---|---|\n");
		p99Row(out, "`getConnection()` p99 around / between", windows.p99Ratio(false));
		p99Row(out, "Query p99 around / between", windows.p99Ratio(true));
		out.append('\n');
	}

	private static void samplesRow(StringBuilder out, String operation, String window, RotationWindows.Samples samples) {
		out.append("| ").append(operation).append(" | ").append(window).append(" | ")
			.append(String.format(Locale.ROOT, "%,d", samples.size())).append(" | ")
			.append(format(samples.percentileMillis(50))).append(" ms | ").append(format(samples.percentileMillis(99)))
			.append(" ms | ").append(format(samples.percentileMillis(99.9))).append(" ms |\n");
	}

	private static void p99Row(StringBuilder out, String label, RatioInterval ratio) {
		out.append("| ").append(label).append(" | ").append(ratio.describe("rotation cycles")).append(" | ≤ 1.05 | ")
			.append((ratio.samples() < RatioInterval.MIN_SAMPLES) ? NO_VERDICT
					: (ratio.high() <= 1.05) ? "meets" : (ratio.low() > 1.05) ? "below goal"
							: "interval spans the goal: no verdict")
			.append(" |\n");
	}

	private void recovery(StringBuilder out) {
		out.append("### Recovery from an early revocation\n\n");
		out.append("The database stops accepting the cached credential (new password set, the role's sessions ")
			.append("terminated) while the source already holds the new one; measured from the revocation to the ")
			.append("first query that succeeds on a new login (pool of 1, so one successful login ends each trial); ")
			.append("provider calls and rejected logins are counted until ").append(Recovery.SETTLE.toMillis())
			.append(" ms after that success, so a late call the trial caused (the file watch reports after a quiet ")
			.append("period) is counted. ")
			.append("The `command` provider is not watched, so the rejected login is how the cache learns; the ")
			.append("`file` provider's watch races the rejected login.\n\n");
		out.append("| Provider | Trials | Median recovery | Provider calls (max per trial) | Rejected logins per trial | ")
			.append("Goal | Result |\n|---|---:|---:|---:|---:|---|---|\n");
		for (Recovery.Outcome outcome : this.results.recovery()) {
			boolean meets = outcome.maxProviderCalls() <= 1 && outcome.maxRejections() <= 1;
			out.append("| `").append(outcome.provider()).append("` | ").append(outcome.trials().size()).append(" | ")
				.append(format(outcome.medianMillis())).append(" ms | ").append(outcome.maxProviderCalls())
				.append(" | ").append(outcome.minRejections()).append("–").append(outcome.maxRejections())
				.append(" | one provider call + one login | ").append(meets ? "meets" : "below goal").append(" |\n");
		}
		out.append('\n');
	}

	private static double median(List<Double> values) {
		return RatioInterval.median(values.stream().mapToDouble(Double::doubleValue).toArray());
	}

	static String format(double value) {
		if (Double.isNaN(value)) {
			return "n/a";
		}
		if (Math.abs(value) >= 100) {
			return String.format(Locale.ROOT, "%,.0f", value);
		}
		if (Math.abs(value) >= 10) {
			return String.format(Locale.ROOT, "%.1f", value);
		}
		return String.format(Locale.ROOT, "%.2f", value);
	}

}
