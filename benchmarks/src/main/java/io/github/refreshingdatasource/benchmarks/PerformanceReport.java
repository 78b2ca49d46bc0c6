package io.github.refreshingdatasource.benchmarks;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

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
			.append(" (embedded, scram-sha-256, same server for every figure), JMH ")
			.append(env.settings())
			.append(". System load average ")
			.append(env.loadBefore())
			.append(" before, ")
			.append(env.loadAfter())
			.append(" after.\n\n");

		out.append("| Figure | Plain HikariCP | Refreshing DataSource | Ratio | Goal | Result |\n");
		out.append("|---|---:|---:|---:|---:|---|\n");
		throughputRow(out, "Borrow/return, warm pool of 8, 1 thread", "PoolBenchmarks.borrowReturn1Thread");
		throughputRow(out, "Borrow/return, warm pool of 8, 8 threads", "PoolBenchmarks.borrowReturn8Threads");
		throughputRow(out, "`SELECT 1`, 8 threads", "PoolBenchmarks.selectOne8Threads");
		throughputRow(out, "Indexed read (primary key, 10,000 rows), 8 threads", "PoolBenchmarks.indexedRead8Threads");
		connectRow(out, "ReconnectBenchmarks.reconnect",
				"New physical connections through the pool (pool of 1 evicted after each borrow)");
		connectRow(out, "ReconnectBenchmarks.login",
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
		for (String provider : List.of("per-connection-fetch", "cached")) {
			RunResult result = find("ReconnectBenchmarks.reconnectWithSlowProvider", Map.of("provider", provider));
			if (result == null) {
				out.append("| ").append(provider).append(" | not run | | |\n");
				continue;
			}
			Result<?> primary = result.getPrimaryResult();
			out.append("| ")
				.append(provider.equals("cached") ? "Cached (this starter)" : "Fetched on every connect")
				.append(" | ")
				.append(format(1000.0 / primary.getScore()))
				.append(" | ")
				.append(format(primary.getScore()))
				.append(" ms | ")
				.append(format(primary.getStatistics().getPercentile(99.0)))
				.append(" ms |\n");
		}
		return out.toString();
	}

	private void throughputRow(StringBuilder out, String label, String benchmark) {
		RunResult plain = find(benchmark, Map.of("credentials", Pools.PLAIN));
		RunResult refreshing = find(benchmark, Map.of("credentials", Pools.REFRESHING));
		if (plain == null || refreshing == null) {
			out.append("| ").append(label).append(" | not run | not run | | ≥ 0.99 | |\n");
			return;
		}
		Result<?> p = plain.getPrimaryResult();
		Result<?> r = refreshing.getPrimaryResult();
		double ratio = r.getScore() / p.getScore();
		double error = ratio * Math.hypot(relativeError(p), relativeError(r));
		out.append("| ").append(label).append(" | ").append(withError(p, "ops/s")).append(" | ")
			.append(withError(r, "ops/s")).append(" | ").append(ratio(ratio, error)).append(" | ≥ 0.99 | ")
			.append(verdict(ratio, error, 0.99)).append(" |\n");
	}

	/** Mean time per connection (ms), turned into connections per second. */
	private void connectRow(StringBuilder out, String benchmark, String label) {
		RunResult plain = find(benchmark, Map.of("credentials", Pools.PLAIN));
		RunResult refreshing = find(benchmark, Map.of("credentials", Pools.REFRESHING));
		if (plain == null || refreshing == null) {
			out.append("| ").append(label).append(" | not run | not run | | ≥ 0.97 | |\n");
			return;
		}
		Result<?> p = plain.getPrimaryResult();
		Result<?> r = refreshing.getPrimaryResult();
		double ratio = p.getScore() / r.getScore();
		double error = ratio * Math.hypot(relativeError(p), relativeError(r));
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

	private static double relativeError(Result<?> result) {
		double error = result.getScoreError();
		return (Double.isNaN(error) || result.getScore() == 0) ? 0 : error / result.getScore();
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
		return String.format(Locale.ROOT, "%.3f ± %.3f", ratio, error);
	}

	private static String verdict(double ratio, double error, double goal) {
		if (ratio >= goal) {
			return "meets";
		}
		return (ratio + error >= goal) ? "below goal, within the error" : "**below goal**";
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
