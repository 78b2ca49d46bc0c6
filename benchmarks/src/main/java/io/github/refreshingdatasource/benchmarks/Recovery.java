package io.github.refreshingdatasource.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

/**
 * Recovery from an early revocation, through the starter as a user configures it: the
 * database stops accepting the credential the cache holds (new password set, the role's
 * sessions terminated) while the source already holds the new one. Measured from the
 * revocation to the first query that succeeds on a new login, with the provider calls
 * and rejected logins in between (a pool of one connection, so exactly one successful
 * login ends each trial). Goal: one provider call and one successful login.
 * <p>
 * The {@code command} provider is not watched: the rejected login is how the cache learns
 * of the change. The {@code file} provider is watched, so its watch and the rejected login
 * race; the rejections column says which won.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class Recovery {

	/** How long a trial's provider calls and rejections are counted after its first success. */
	static final Duration SETTLE = Duration.ofMillis(600);

	/** One trial's outcome. */
	record Trial(Duration recovery, long providerCalls, long rejections) {
	}

	/** All trials of one provider. */
	record Outcome(String provider, List<Trial> trials) {

		double medianMillis() {
			return RatioInterval.median(this.trials.stream().mapToDouble((t) -> t.recovery().toNanos() / 1e6).toArray());
		}

		long maxProviderCalls() {
			return this.trials.stream().mapToLong(Trial::providerCalls).max().orElse(0);
		}

		long maxRejections() {
			return this.trials.stream().mapToLong(Trial::rejections).max().orElse(0);
		}

		long minRejections() {
			return this.trials.stream().mapToLong(Trial::rejections).min().orElse(0);
		}

	}

	public static void main(String[] args) throws Exception {
		int trials = (args.length > 0) ? Integer.parseInt(args[0]) : 10;
		try (BenchDatabase database = BenchDatabase.start(50)) {
			for (String provider : List.of("file", "command")) {
				Outcome outcome = measure(database, provider, trials);
				System.out.printf("%s: median %.1f ms, provider calls ≤ %d, rejections %d..%d%n", provider,
						outcome.medianMillis(), outcome.maxProviderCalls(), outcome.minRejections(),
						outcome.maxRejections());
			}
		}
	}

	static Outcome measure(BenchDatabase database, String provider, int trials) throws Exception {
		String role = "recovery_" + provider;
		database.createRole(role);
		Path directory = Files.createTempDirectory("recovery-");
		Path source = directory.resolve("db.json");
		List<Trial> results = new ArrayList<>();
		try {
			write(source, provider, role, rotate(database, role));
			Soak.Counters counters = new Soak.Counters();
			try (ConfigurableApplicationContext context = application(database, provider, source, counters)) {
				DataSource pool = context.getBean(DataSource.class);
				query(pool);
				for (int i = 0; i < trials; i++) {
					long calls = counters.fetches();
					long rejections = counters.rejections.sum();
					long started = System.nanoTime();
					String password = rotate(database, role);
					write(source, provider, role, password);
					database.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role
							+ "'");
					queryUntilSuccess(pool);
					Duration recovery = Duration.ofNanos(System.nanoTime() - started);
					// Calls the trial causes after its first success (the file watch reports after a quiet
					// period) count too, so the trial stays open for a settle window before the next begins.
					Thread.sleep(SETTLE.toMillis());
					results.add(new Trial(recovery, counters.fetches() - calls, counters.rejections.sum() - rejections));
				}
			}
		}
		finally {
			FileSystemUtils.deleteRecursively(directory.toFile());
		}
		return new Outcome(provider, results);
	}

	private static String rotate(BenchDatabase database, String role) throws SQLException {
		String password = BenchDatabase.randomPassword();
		database.setPassword(role, password, Instant.now().plus(Duration.ofHours(2)));
		return password;
	}

	private static void write(Path source, String provider, String role, String password) throws IOException {
		String secretField = provider.equals("command") ? "token" : "password";
		Path temp = source.resolveSibling("db.json.tmp");
		Files.writeString(temp, "{\"username\":\"" + role + "\",\"" + secretField + "\":\"" + password
				+ "\",\"expires_at\":\"" + Instant.now().plus(Duration.ofHours(1)) + "\"}");
		Files.move(temp, source, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
	}

	private static void queryUntilSuccess(DataSource pool) {
		Instant end = Instant.now().plusSeconds(60);
		while (Instant.now().isBefore(end)) {
			try {
				query(pool);
				return;
			}
			catch (SQLException ex) {
				// A connection the revocation terminated, or the pool still logging in: try again.
			}
		}
		throw new IllegalStateException("no successful query within 60 s of the revocation");
	}

	private static void query(DataSource pool) throws SQLException {
		try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("SELECT 1");
		}
	}

	private static ConfigurableApplicationContext application(BenchDatabase database, String provider, Path source,
			Soak.Counters counters) {
		Map<String, Object> properties = new HashMap<>();
		properties.put("spring.datasource.url", database.jdbcUrl());
		properties.put("spring.datasource.hikari.maximum-pool-size", "1");
		properties.put("spring.datasource.hikari.connection-timeout", "10000");
		properties.put("refreshing.datasource.provider.type", provider);
		if (provider.equals("file")) {
			properties.put("refreshing.datasource.provider.file.path", source.toString());
		}
		else {
			properties.put("refreshing.datasource.provider.command.command[0]", "cat");
			properties.put("refreshing.datasource.provider.command.command[1]", source.toString());
		}
		return new SpringApplicationBuilder(Recovery.class).web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties(properties)
			.initializers((context) -> context.getBeanFactory().registerSingleton("recoveryCounters", counters))
			.run();
	}

}
