package io.github.refreshingdatasource.credentials.provider.command;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.credentials.provider.CredentialJson;
import io.github.refreshingdatasource.credentials.provider.SecretMask;

/**
 * Runs a program and reads the credential from its standard output: the bare token
 * (surrounding whitespace stripped; no username), or, when the output starts with
 * <code>{</code>, a JSON object read by {@link CredentialJson} with configurable field names.
 * For {@code az account get-access-token -o json}, say, set the token field to
 * {@code accessToken} and the expiry field to {@code expires_on}.
 * <p>
 * The program gets no input and must finish within the timeout; when it does not, or the
 * calling thread is interrupted, it is killed together with the processes it started.
 * <p>
 * Messages name only the program, not its arguments (which may carry a client secret), and
 * quote its standard error but never its standard output, which holds the secret.
 */
public final class CommandCredentialProvider implements CredentialProvider {

	/** Default name of the JSON field holding the token. */
	public static final String DEFAULT_TOKEN_FIELD = "token";

	/** Default name of the JSON field holding the username. */
	public static final String DEFAULT_USERNAME_FIELD = "username";

	/** Default name of the JSON field holding the expiry. */
	public static final String DEFAULT_EXPIRES_AT_FIELD = "expires_at";

	/** Far more than any token; guards memory against a program that prints without end. */
	static final int MAX_STDOUT_BYTES = 1024 * 1024;

	static final int MAX_STDERR_BYTES = 8 * 1024;

	static final int MAX_STDERR_IN_MESSAGE = 200;

	private final List<String> command;

	private final Duration timeout;

	private final String tokenField;

	private final String usernameField;

	private final String expiresAtField;

	/**
	 * Create a provider running the given command, with the default JSON field names.
	 * @param command the program and its arguments, e.g. {@code [sh, -c, "vault read ..."]}
	 * @param timeout how long the program may run
	 */
	public CommandCredentialProvider(List<String> command, Duration timeout) {
		this(command, timeout, DEFAULT_TOKEN_FIELD, DEFAULT_USERNAME_FIELD, DEFAULT_EXPIRES_AT_FIELD);
	}

	/**
	 * Create a provider running the given command.
	 * @param command the program and its arguments, e.g. {@code [sh, -c, "vault read ..."]}
	 * @param timeout how long the program may run
	 * @param tokenField the JSON field holding the token or password
	 * @param usernameField the JSON field holding the username
	 * @param expiresAtField the JSON field holding the expiry
	 */
	public CommandCredentialProvider(List<String> command, Duration timeout, String tokenField, String usernameField,
			String expiresAtField) {
		if (command.isEmpty()) {
			throw new IllegalArgumentException("A command needs at least the program to run");
		}
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("The timeout of a command must be positive, not " + timeout);
		}
		this.command = List.copyOf(command);
		this.timeout = timeout;
		this.tokenField = tokenField;
		this.usernameField = usernameField;
		this.expiresAtField = expiresAtField;
	}

	/**
	 * Run the program and read the credential from its output.
	 * @return the credential
	 * @throws IOException when the program cannot be started, exits with a non-zero code,
	 * prints nothing, or prints JSON without the token field
	 * @throws TimeoutException when the program did not finish within the timeout (it has
	 * been killed)
	 * @throws InterruptedException when the calling thread was interrupted (the program has
	 * been killed)
	 */
	@Override
	public DbCredential fetch() throws IOException, TimeoutException, InterruptedException {
		String output = run().strip();
		if (output.isEmpty()) {
			throw new IOException("Command '" + program() + "' printed nothing on standard output");
		}
		if (!CredentialJson.isJson(output)) {
			return DbCredential.of(null, output, null);
		}
		try {
			return CredentialJson.parse(output, this.tokenField, this.usernameField, this.expiresAtField);
		}
		catch (IOException ex) {
			// The parser may quote the output, and the output is the secret.
			throw new IOException("Output of command '" + program() + "': " + SecretMask.mask(String.valueOf(ex.getMessage())));
		}
	}

	private String run() throws IOException, TimeoutException, InterruptedException {
		if (Thread.interrupted()) {
			throw new InterruptedException();
		}
		Process process;
		try {
			process = new ProcessBuilder(this.command).start();
		}
		catch (IOException ex) {
			throw new IOException("Cannot run command '" + program() + "'", ex);
		}
		try {
			// No input: a program that prompts fails at once rather than waiting out the timeout.
			process.getOutputStream().close();
			OutputCollector stdout = OutputCollector.start(process.getInputStream(), threadName(process, "stdout"),
					MAX_STDOUT_BYTES);
			OutputCollector stderr = OutputCollector.start(process.getErrorStream(), threadName(process, "stderr"),
					MAX_STDERR_BYTES);
			long deadline = System.nanoTime() + this.timeout.toNanos();
			// The pipes close at exit, unless a child left behind still holds them.
			if (!process.waitFor(this.timeout.toNanos(), TimeUnit.NANOSECONDS) || !stdout.await(remaining(deadline))
					|| !stderr.await(remaining(deadline))) {
				throw new TimeoutException(
						"Command '" + program() + "' did not finish within " + format(this.timeout));
			}
			if (process.exitValue() != 0) {
				throw new IOException("Command '" + program() + "' exited with code " + process.exitValue()
						+ excerpt(stderr.text()));
			}
			if (stdout.overflowed()) {
				throw new IOException(
						"Command '" + program() + "' printed more than " + MAX_STDOUT_BYTES + " bytes on standard output");
			}
			return stdout.text();
		}
		finally {
			if (process.isAlive()) {
				destroyTree(process);
			}
		}
	}

	/**
	 * Kill the process and everything it started, so that a shell's {@code sleep} or a hung
	 * {@code curl} does not outlive it.
	 */
	private static void destroyTree(Process process) {
		// Collected before the parent dies: after that, its children are re-parented and no
		// longer its descendants.
		List<ProcessHandle> descendants = process.descendants().toList();
		process.destroyForcibly();
		descendants.forEach(ProcessHandle::destroyForcibly);
	}

	private String program() {
		return this.command.get(0);
	}

	private String threadName(Process process, String stream) {
		return "refreshing-datasource-command-" + process.pid() + "-" + stream;
	}

	private static long remaining(long deadline) {
		return deadline - System.nanoTime();
	}

	private static String excerpt(String stderr) {
		// Masked before it is cut, so that a cut cannot turn a token into a fragment too short to
		// look like one. Only the first 8 KiB is read by the mask; the message keeps less.
		String text = SecretMask.mask(stderr.strip()).replaceAll("\\s*\\R\\s*", " ");
		if (text.isEmpty()) {
			return " and no output on standard error";
		}
		return ": " + ((text.length() > MAX_STDERR_IN_MESSAGE) ? text.substring(0, MAX_STDERR_IN_MESSAGE) + "..." : text);
	}

	private static String format(Duration duration) {
		long millis = duration.toMillis();
		return (millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms";
	}

	/**
	 * Find the executable a program name stands for, as the operating system would when
	 * starting it: a name with a path separator is taken as a path (relative to the working
	 * directory), a bare name is looked up in the directories of {@code PATH}. Lets
	 * configuration fail at startup rather than at the first fetch.
	 * @param program the program name or path, e.g. {@code az} or {@code /usr/bin/vault}
	 * @return the absolute path of the executable file, or empty when there is none
	 */
	public static Optional<Path> resolveExecutable(String program) {
		if (program.isBlank()) {
			return Optional.empty();
		}
		if (program.indexOf('/') >= 0 || program.indexOf(File.separatorChar) >= 0) {
			return executable("", program);
		}
		String path = System.getenv("PATH");
		if (path == null) {
			return Optional.empty();
		}
		// An empty entry stands for the working directory, hence the -1.
		for (String directory : path.split(File.pathSeparator, -1)) {
			for (String name : candidateNames(program)) {
				Optional<Path> executable = executable(directory, name);
				if (executable.isPresent()) {
					return executable;
				}
			}
		}
		return Optional.empty();
	}

	private static List<String> candidateNames(String program) {
		List<String> names = new ArrayList<>();
		names.add(program);
		if (File.pathSeparatorChar == ';' && program.indexOf('.') < 0) {
			// Windows runs "az" as az.cmd, found by the extensions in PATHEXT.
			String extensions = System.getenv().getOrDefault("PATHEXT", ".COM;.EXE;.BAT;.CMD");
			for (String extension : extensions.split(";")) {
				names.add(program + extension.toLowerCase(Locale.ROOT));
			}
		}
		return names;
	}

	private static Optional<Path> executable(String directory, String name) {
		try {
			Path candidate = Path.of(directory, name);
			return (Files.isRegularFile(candidate) && Files.isExecutable(candidate))
					? Optional.of(candidate.toAbsolutePath()) : Optional.empty();
		}
		catch (InvalidPathException ex) {
			return Optional.empty();
		}
	}

	@Override
	public String toString() {
		return "CommandCredentialProvider[program=" + program() + ", timeout=" + format(this.timeout) + "]";
	}

}
