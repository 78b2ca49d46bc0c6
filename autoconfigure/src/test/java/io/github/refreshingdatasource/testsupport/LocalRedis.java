package io.github.refreshingdatasource.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.util.FileSystemUtils;

import static org.awaitility.Awaitility.await;

/**
 * A real Redis, Debian's {@code /usr/bin/redis-server}, on 127.0.0.1 and a free port, with
 * nothing persisted ({@code --save '' --appendonly no}) and its working directory in a
 * temporary directory. Stopped by {@link #close()} and, failing that, when the JVM exits.
 * <p>
 * A missing {@code redis-server} fails the test that asks for one, never skips it: CI
 * installs it ({@code .ci/run}). To run these tests locally, install it first (Debian or
 * Ubuntu: {@code apt-get install redis-server}; macOS: {@code brew install redis} and link
 * it to /usr/bin or set {@code -Dredis.server=/path/to/redis-server}).
 */
public final class LocalRedis implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(LocalRedis.class);

	private static final Path SERVER = Path.of(System.getProperty("redis.server", "/usr/bin/redis-server"));

	private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

	private final Process process;

	private final Path directory;

	private final int port;

	private final Thread shutdownHook;

	private LocalRedis(Process process, Path directory, int port) {
		this.process = process;
		this.directory = directory;
		this.port = port;
		this.shutdownHook = new Thread(process::destroyForcibly, "local-redis-" + port + "-killer");
		Runtime.getRuntime().addShutdownHook(this.shutdownHook);
	}

	/**
	 * Start a server and return once it answers PING.
	 * @return the running server
	 * @throws IllegalStateException when redis-server is not installed or does not start
	 */
	public static LocalRedis start() {
		if (!Files.isExecutable(SERVER)) {
			throw new IllegalStateException(SERVER + " is not installed, and the fleet coordination tests need a real "
					+ "Redis. Install it (Debian/Ubuntu: apt-get install redis-server; .ci/run does so in CI), or point "
					+ "-Dredis.server at a redis-server binary.");
		}
		try {
			Path directory = Files.createTempDirectory("local-redis");
			int port = freePort();
			Process process = new ProcessBuilder(List.of(SERVER.toString(), "--port", Integer.toString(port), "--bind",
					"127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory.toString(), "--logfile",
					directory.resolve("redis.log").toString()))
				.redirectErrorStream(true)
				.redirectOutput(directory.resolve("stdout.log").toFile())
				.start();
			LocalRedis redis = new LocalRedis(process, directory, port);
			try {
				await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(50)).until(() -> {
					if (!process.isAlive()) {
						throw new IllegalStateException("redis-server exited with " + process.exitValue() + ": "
								+ Files.readString(directory.resolve("stdout.log")));
					}
					return redis.ping();
				});
			}
			catch (RuntimeException | Error ex) {
				redis.close();
				throw ex;
			}
			logger.info("Redis on 127.0.0.1:{} (pid {})", port, process.pid());
			return redis;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public int port() {
		return this.port;
	}

	/** @return the process id, for a test that kills the server */
	public long pid() {
		return this.process.pid();
	}

	/**
	 * Run one command with the inline protocol and return the first line of the answer.
	 * @param command e.g. {@code PING}, {@code DBSIZE}
	 * @return the answer, e.g. {@code +PONG}, {@code :3}
	 */
	public String command(String command) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.port), 1000);
			socket.setSoTimeout(2000);
			OutputStream out = socket.getOutputStream();
			out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
			out.flush();
			InputStream in = socket.getInputStream();
			StringBuilder line = new StringBuilder();
			int c;
			while ((c = in.read()) != -1 && c != '\n') {
				if (c != '\r') {
					line.append((char) c);
				}
			}
			return line.toString();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private boolean ping() {
		try {
			return "+PONG".equals(command("PING"));
		}
		catch (UncheckedIOException ex) {
			return false;
		}
	}

	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// The JVM is shutting down already.
		}
		FileSystemUtils.deleteRecursively(this.directory.toFile());
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
