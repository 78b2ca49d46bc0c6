package io.github.refreshingdatasource.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Cost in the number of DataSources: for each N, {@link ScaleProbe} runs in fresh JVMs,
 * alternating with and without the starter, and the medians are compared. Startup overhead
 * is the ratio of median startup times with a bootstrap interval; heap per DataSource is
 * the difference of median heaps after GC divided by N; engine threads are the threads the
 * starter names {@code refreshing-datasource*}. N = 1, where the startup goal is judged, gets
 * three times the runs; N of 100 and more a third of them.
 */
final class Scale {

	/** Medians for one N. */
	record Point(int count, RatioInterval startup, double withStartupMillis, double withoutStartupMillis,
			double heapPerDataSource, long engineThreads, long threadsWith, long threadsWithout) {
	}

	private Scale() {
	}

	public static void main(String[] args) throws Exception {
		int runs = (args.length > 0) ? Integer.parseInt(args[0]) : 5;
		for (Point point : measure(List.of(1, 10, 100, 1000), runs)) {
			System.out.println(point);
		}
	}

	static List<Point> measure(List<Integer> counts, int runs) throws Exception {
		List<Point> points = new ArrayList<>();
		for (int count : counts) {
			Map<String, List<long[]>> results = new TreeMap<>();
			// The startup goal is judged at N = 1, where the starter's share of a cold start is smallest
			// against the JVM's own variance: three times the pairs. Large N take seconds per JVM.
			int runsHere = (count == 1) ? 3 * runs : (count >= 100) ? Math.max(1, runs / 3) : runs;
			for (int run = 0; run < runsHere; run++) {
				for (String side : (run % 2 == 0) ? List.of("without", "with") : List.of("with", "without")) {
					results.computeIfAbsent(side, (key) -> new ArrayList<>()).add(probe(count, side));
				}
			}
			List<long[]> with = results.get("with");
			List<long[]> without = results.get("without");
			RatioInterval startup = RatioInterval.paired(column(with, 0), column(without, 0));
			double heap = (median(with, 1) - median(without, 1)) / count;
			points.add(new Point(count, startup, median(with, 0), median(without, 0), heap,
					(long) median(with, 3), (long) median(with, 2), (long) median(without, 2)));
			System.out.println("N = " + count + ": " + points.get(points.size() - 1));
		}
		return points;
	}

	private static List<Double> column(List<long[]> rows, int index) {
		return rows.stream().map((row) -> (double) row[index]).toList();
	}

	private static double median(List<long[]> rows, int index) {
		return RatioInterval.median(rows.stream().mapToDouble((row) -> row[index]).toArray());
	}

	private static long[] probe(int count, String side) throws Exception {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		Process process = new ProcessBuilder(java, "-Xmx1g", "-XX:+UseSerialGC", "-cp",
				System.getProperty("java.class.path"), ScaleProbe.class.getName(), Integer.toString(count), side)
			.redirectErrorStream(true)
			.start();
		String result = null;
		try (BufferedReader output = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
			for (String line = output.readLine(); line != null; line = output.readLine()) {
				if (line.startsWith("RESULT ")) {
					result = line;
				}
			}
		}
		if (process.waitFor() != 0 || result == null) {
			throw new IllegalStateException("ScaleProbe " + count + " " + side + " failed");
		}
		String[] fields = result.split(" ");
		return new long[] { Long.parseLong(fields[1]), Long.parseLong(fields[2]), Long.parseLong(fields[3]),
				Long.parseLong(fields[4]) };
	}

}
