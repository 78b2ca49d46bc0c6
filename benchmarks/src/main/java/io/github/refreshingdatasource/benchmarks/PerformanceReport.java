package io.github.refreshingdatasource.benchmarks;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.util.ListStatistics;

/**
 * Turns JMH results into the Markdown tables of {@code docs/performance.md}: each figure of
 * the bound pool as a ratio to plain HikariCP measured in the same run, against its goal.
 */
final class PerformanceReport {

	private final List<RunResult> results;

	private final BenchmarkMain.Environment environment;

	PerformanceReport(List<RunResult> results, BenchmarkMain.Environment environment) {
		this.results = results;
		this.environment = environment;
	}

	String render() {
		StringBuilder out = new StringBuilder();
		BenchmarkMain.Environment env = this.environment;
		if (env.quick()) {
			out.append("> **Quick run (`--quick`): one short iteration per benchmark, to check that everything runs. ")
				.append("These numbers mean nothing.**\n\n");
		}
		out.append("Measured ").append(env.date()).append(" by `benchmarks/run.sh` on ").append(env.cpus())
			.append(" CPUs, ").append(env.os()).append(", JDK ").append(env.jdk()).append(", PostgreSQL ")
			.append(env.postgres())
			.append(" (embedded, scram-sha-256, same server for every figure), JMH 1.37, ")
			.append(env.settings())
			.append(". System load average ")
			.append(env.loadBefore())
			.append(" before, ")
			.append(env.loadAfter())
			.append(" after.\n\n");

		out.append("Both sides of each comparison run at the same time in one JVM (a JMH group), with the ")
			.append("stated number of threads each, so both see the same machine. Absolute figures carry the machine's ")
			.append("drift during the run (errors: JMH's 99.9 % confidence intervals); the ratio is the mean of the ")
			.append("ratios of the two sides in each measurement iteration, with its 99.9 % confidence interval.\n\n");
		out.append("| Figure | Plain HikariCP | Refreshing DataSource | Ratio | Goal | Result |\n");
		out.append("|---|---:|---:|---:|---:|---|\n");
		throughputRow(out, "Borrow/return, warm pool of 8, 1 thread", "borrowReturn1Thread");
		throughputRow(out, "Borrow/return, warm pool of 8, 8 threads", "borrowReturn8Threads");
		throughputRow(out, "`SELECT 1`, 8 threads", "selectOne8Threads");
		throughputRow(out, "Indexed read (primary key, 10,000 rows), 8 threads", "indexedRead8Threads");
		connectRow(out, "reconnect", "reconnectPlain", "reconnectRefreshing",
				"New physical connections through the pool (pool of 1 evicted after each borrow)");
		connectRow(out, "login", "loginPlain", "loginRefreshing",
				"Physical login as HikariCP performs it (credential lookup + `getConnection(user, password)`)");
		out.append('\n');

		out.append("Credential lookup on the way to each new physical connection (`-prof gc`):\n\n");
		out.append("| Call | Time | Allocated | Goal | Result |\n");
		out.append("|---|---:|---:|---|---|\n");
		lookupRow(out, "`CredentialCache.get()`", "cacheGet", true);
		lookupRow(out, "`HikariCredentialsProvider.getCredentials()` of the bound pool (what HikariCP calls)",
				"hikariCredentialsProvider", false);
		lookupRow(out, "Plain HikariCP `HikariConfig.getCredentials()` (baseline)", "plainHikariCredentials", false);
		out.append('\n');

		out.append("A provider that takes 50 ms per call, called on every connect (what per-connection driver ")
			.append("plugins do) or behind the cache; pool of 1 evicted after each borrow:\n\n");
		out.append("| Provider | Connections/s | Mean connect | p99 connect |\n");
		out.append("|---|---:|---:|---:|\n");
		RunResult slow = find("ReconnectBenchmarks.slowProvider", Map.of());
		for (String side : List.of("slowProviderPerConnectionFetch", "slowProviderCached")) {
			Result<?> result = (slow != null) ? slow.getSecondaryResults().get(side) : null;
			String label = side.endsWith("Cached") ? "Cached (this starter)" : "Fetched on every connect";
			if (result == null) {
				out.append("| ").append(label).append(" | not run | | |\n");
				continue;
			}
			out.append("| ")
				.append(label)
				.append(" | ")
				.append(format(1000.0 / result.getScore()))
				.append(" | ")
				.append(format(result.getScore()))
				.append(" ms | ")
				.append(format(result.getStatistics().getPercentile(99.0)))
				.append(" ms |\n");
		}
		return out.toString();
	}

	/** Operations per second of both sides of a JMH group, measured at the same time. */
	private void throughputRow(StringBuilder out, String label, String group) {
		RunResult result = find("PoolBenchmarks." + group, Map.of());
		Result<?> p = (result != null) ? result.getSecondaryResults().get(group + "Plain") : null;
		Result<?> r = (result != null) ? result.getSecondaryResults().get(group + "Refreshing") : null;
		if (p == null || r == null) {
			out.append("| ").append(label).append(" | not run | not run | | ≥ 0.99 | |\n");
			return;
		}
		ListStatistics ratios = pairedRatios(result, group + "Refreshing", group + "Plain");
		double ratio = ratios.getMean();
		double error = ratios.getMeanErrorAt(0.999);
		out.append("| ").append(label).append(" | ").append(withError(p, "ops/s")).append(" | ")
			.append(withError(r, "ops/s")).append(" | ").append(ratio(ratio, error)).append(" | ≥ 0.99 | ")
			.append(verdict(ratio, error, 0.99)).append(" |\n");
	}

	/**
	 * Mean time per connection (ms) of both sides of a JMH group, measured at the same time,
	 * turned into connections per second.
	 */
	private void connectRow(StringBuilder out, String group, String plainSide, String refreshingSide, String label) {
		RunResult result = find("ReconnectBenchmarks." + group, Map.of());
		Result<?> p = (result != null) ? result.getSecondaryResults().get(plainSide) : null;
		Result<?> r = (result != null) ? result.getSecondaryResults().get(refreshingSide) : null;
		if (p == null || r == null) {
			out.append("| ").append(label).append(" | not run | not run | | ≥ 0.97 | |\n");
			return;
		}
		// Connections per second are the inverse of the time per connection.
		ListStatistics ratios = pairedRatios(result, plainSide, refreshingSide);
		double ratio = ratios.getMean();
		double error = ratios.getMeanErrorAt(0.999);
		out.append("| ").append(label).append(" | ").append(connects(p)).append(" | ").append(connects(r))
			.append(" | ").append(ratio(ratio, error)).append(" | ≥ 0.97 | ").append(verdict(ratio, error, 0.97))
			.append(" |\n");
	}

	private void lookupRow(StringBuilder out, String label, String benchmark, boolean goal) {
		RunResult result = find("CredentialLookupBenchmarks." + benchmark, Map.of());
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
			boolean fast = primary.getScore() < 50;
			boolean free = allocated != null && allocated < 1;
			out.append("< 50 ns, 0 B/op | ").append((fast && free) ? "meets" : "below goal").append(" |\n");
		}
		else {
			out.append(" | |\n");
		}
	}

	private static @Nullable Double allocatedPerOperation(RunResult result) {
		for (Map.Entry<String, Result> entry : result.getSecondaryResults().entrySet()) {
			if (entry.getKey().endsWith("gc.alloc.rate.norm")) {
				return entry.getValue().getScore();
			}
		}
		return null;
	}

	private @Nullable RunResult find(String benchmark, Map<String, String> params) {
		for (RunResult result : this.results) {
			String name = result.getParams().getBenchmark();
			if (!name.endsWith("." + benchmark)) {
				continue;
			}
			boolean matches = params.entrySet()
				.stream()
				.allMatch((param) -> param.getValue().equals(result.getParams().getParam(param.getKey())));
			if (matches) {
				return result;
			}
		}
		return null;
	}

	/**
	 * The ratio of two sides of a group in each measurement iteration, both measured at the
	 * same time: the machine's drift moves both sides, so it cancels here, while the
	 * absolute figures carry all of it.
	 */
	private static ListStatistics pairedRatios(RunResult result, String numerator, String denominator) {
		ListStatistics ratios = new ListStatistics();
		for (BenchmarkResult fork : result.getBenchmarkResults()) {
			for (IterationResult iteration : fork.getIterationResults()) {
				Result<?> top = iteration.getSecondaryResults().get(numerator);
				Result<?> bottom = iteration.getSecondaryResults().get(denominator);
				if (top != null && bottom != null && bottom.getScore() != 0) {
					ratios.addValue(top.getScore() / bottom.getScore());
				}
			}
		}
		return ratios;
	}

	private static String withError(Result<?> result, String unit) {
		String error = Double.isNaN(result.getScoreError()) ? "" : " ± " + format(result.getScoreError());
		return format(result.getScore()) + error + " " + unit;
	}

	private static String connects(Result<?> result) {
		return format(1000.0 / result.getScore()) + "/s (p99 " + format(result.getStatistics().getPercentile(99.0))
				+ " ms)";
	}

	private static String ratio(double ratio, double error) {
		return Double.isNaN(error) ? String.format(Locale.ROOT, "%.3f", ratio)
				: String.format(Locale.ROOT, "%.3f ± %.3f", ratio, error);
	}

	private static String verdict(double ratio, double error, double goal) {
		if (ratio >= goal) {
			return "meets";
		}
		return (!Double.isNaN(error) && ratio + error >= goal) ? "below goal, within the error" : "**below goal**";
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
