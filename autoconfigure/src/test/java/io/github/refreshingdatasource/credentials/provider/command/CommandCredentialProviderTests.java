package io.github.refreshingdatasource.credentials.provider.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import io.github.refreshingdatasource.credentials.DbCredential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

class CommandCredentialProviderTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final Duration WAIT = Duration.ofSeconds(10);

	@TempDir
	Path directory;

	@Test
	void readsPlainOutputAsToken() throws Exception {
		DbCredential credential = provider("printf '  s3cr3t\\n'").fetch();
		assertThat(credential.secret()).isEqualTo("s3cr3t");
		assertThat(credential.username()).isNull();
		assertThat(credential.expiresAt()).isNull();
	}

	@Test
	void readsJsonOutput() throws Exception {
		DbCredential credential = provider(
				"printf '{\"token\": \"t0k3n\", \"username\": \"app\", \"expires_at\": \"2026-01-01T00:00:00Z\"}\\n'")
			.fetch();
		assertThat(credential.secret()).isEqualTo("t0k3n");
		assertThat(credential.username()).isEqualTo("app");
		assertThat(credential.expiresAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
	}

	@Test
	void readsJsonOutputWithCustomFieldNames() throws Exception {
		// What az account get-access-token -o json prints.
		String script = "printf '{\"accessToken\": \"eyJ0.t0k3n\", \"expires_on\": 1767225600, \"tokenType\": \"Bearer\"}'";
		DbCredential credential = new CommandCredentialProvider(List.of("sh", "-c", script), TIMEOUT, "accessToken",
				"user", "expires_on")
			.fetch();
		assertThat(credential.secret()).isEqualTo("eyJ0.t0k3n");
		assertThat(credential.username()).isNull();
		assertThat(credential.expiresAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
	}

	@Test
	void jsonWithoutTokenFieldNamesTheFieldButNotTheSecret() {
		assertThatIOException().isThrownBy(() -> provider("printf '{\"password\": \"hunter2\"}'").fetch())
			.withMessage("Output of command 'sh': JSON has no 'token' field")
			.withMessageNotContaining("hunter2");
	}

	@Test
	void nonZeroExitReportsCodeAndStandardErrorButNotStandardOutput() {
		assertThatIOException()
			.isThrownBy(() -> provider("echo hunter2; echo 'login required' >&2; echo 'run az login' >&2; exit 3")
				.fetch())
			.withMessage("Command 'sh' exited with code 3: login required run az login")
			.withMessageNotContaining("hunter2");
	}

	@Test
	void nonZeroExitWithoutStandardErrorSaysSo() {
		assertThatIOException().isThrownBy(() -> provider("exit 1").fetch())
			.withMessage("Command 'sh' exited with code 1 and no output on standard error");
	}

	@Test
	void longStandardErrorIsTruncated() {
		assertThatIOException().isThrownBy(() -> provider("head -c 5000 /dev/zero | tr '\\0' e >&2; exit 2").fetch())
			.withMessage("Command 'sh' exited with code 2: " + "e".repeat(200) + "...");
	}

	@Test
	void emptyOutputIsAnError() {
		assertThatIOException().isThrownBy(() -> provider("printf '\\n'").fetch())
			.withMessage("Command 'sh' printed nothing on standard output");
	}

	@Test
	void readsBothStreamsAtOnceSoNeitherPipeFillsUp() throws Exception {
		// Far more than a pipe buffer on standard error before anything on standard output.
		DbCredential credential = provider("head -c 1000000 /dev/zero | tr '\\0' e >&2; printf t0k3n").fetch();
		assertThat(credential.secret()).isEqualTo("t0k3n");
	}

	@Test
	void unknownProgramIsNamed() {
		assertThatIOException()
			.isThrownBy(() -> new CommandCredentialProvider(List.of("no-such-program-xyz"), TIMEOUT).fetch())
			.withMessage("Cannot run command 'no-such-program-xyz'");
	}

	@Test
	void timeoutKillsTheProcessAndItsChildren() throws Exception {
		Path shellPid = this.directory.resolve("sh.pid");
		Path sleepPid = this.directory.resolve("sleep.pid");
		CommandCredentialProvider provider = new CommandCredentialProvider(
				List.of("sh", "-c", pidsThenSleep(shellPid, sleepPid)), Duration.ofMillis(1500));
		assertThatExceptionOfType(TimeoutException.class).isThrownBy(provider::fetch)
			.withMessage("Command 'sh' did not finish within 1500ms");
		assertProcessEnds(shellPid);
		assertProcessEnds(sleepPid);
	}

	@Test
	void interruptKillsTheProcessAndItsChildren() throws Exception {
		Path shellPid = this.directory.resolve("sh.pid");
		Path sleepPid = this.directory.resolve("sleep.pid");
		CommandCredentialProvider provider = provider(pidsThenSleep(shellPid, sleepPid));
		AtomicReference<Throwable> thrown = new AtomicReference<>();
		Thread caller = new Thread(() -> {
			try {
				provider.fetch();
			}
			catch (Throwable ex) {
				thrown.set(ex);
			}
		});
		caller.start();
		await().atMost(WAIT).until(() -> hasPid(sleepPid));
		caller.interrupt();
		caller.join(WAIT.toMillis());
		assertThat(caller.isAlive()).isFalse();
		assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
		assertProcessEnds(shellPid);
		assertProcessEnds(sleepPid);
	}

	@Test
	void interruptedCallerDoesNotStartTheProgram() {
		Path marker = this.directory.resolve("started");
		CommandCredentialProvider provider = provider("touch '" + marker + "'; printf t0k3n");
		Thread.currentThread().interrupt();
		try {
			assertThatExceptionOfType(InterruptedException.class).isThrownBy(provider::fetch);
		}
		finally {
			Thread.interrupted();
		}
		assertThat(marker).doesNotExist();
	}

	@Test
	void toStringNamesTheProgramButNotItsArguments() {
		assertThat(new CommandCredentialProvider(List.of("sh", "-c", "echo hunter2"), Duration.ofSeconds(10)))
			.hasToString("CommandCredentialProvider[program=sh, timeout=10s]");
	}

	@Test
	void rejectsEmptyCommandAndNonPositiveTimeout() {
		assertThatIllegalArgumentException().isThrownBy(() -> new CommandCredentialProvider(List.of(), TIMEOUT));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new CommandCredentialProvider(List.of("sh"), Duration.ZERO));
	}

	@Test
	void resolveExecutableFindsProgramsOnThePath() {
		Path sh = CommandCredentialProvider.resolveExecutable("sh").orElseThrow();
		assertThat(sh).isAbsolute().isExecutable();
		assertThat(sh.getFileName()).hasToString("sh");
		assertThat(CommandCredentialProvider.resolveExecutable(sh.toString())).contains(sh);
		assertThat(CommandCredentialProvider.resolveExecutable("no-such-program-xyz")).isEmpty();
		assertThat(CommandCredentialProvider.resolveExecutable("")).isEmpty();
	}

	@Test
	void resolveExecutableRejectsFilesThatCannotRunAndDirectories() throws IOException {
		Path script = Files.writeString(this.directory.resolve("token.sh"), "#!/bin/sh\necho t0k3n\n");
		assertThat(CommandCredentialProvider.resolveExecutable(script.toString())).isEmpty();
		Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
		assertThat(CommandCredentialProvider.resolveExecutable(script.toString())).contains(script);
		assertThat(CommandCredentialProvider.resolveExecutable(this.directory.toString())).isEmpty();
	}

	private static CommandCredentialProvider provider(String script) {
		return new CommandCredentialProvider(List.of("sh", "-c", script), TIMEOUT);
	}

	/** A shell that records its pid and that of a child, then waits for the child. */
	private static String pidsThenSleep(Path shellPid, Path sleepPid) {
		return "echo $$ > '" + shellPid + "'; sleep 60 & echo $! > '" + sleepPid + ".tmp'; mv '" + sleepPid
				+ ".tmp' '" + sleepPid + "'; wait";
	}

	private static boolean hasPid(Path file) {
		return Files.exists(file);
	}

	private static void assertProcessEnds(Path pidFile) throws IOException {
		long pid = Long.parseLong(Files.readString(pidFile).strip());
		await().atMost(WAIT).until(() -> !isRunning(pid));
	}

	/**
	 * A killed grandchild stays a zombie until init reaps it, which some container inits never
	 * do, and {@link ProcessHandle#isAlive()} counts zombies as alive: read the state from
	 * {@code /proc} where there is one.
	 */
	private static boolean isRunning(long pid) {
		if (!Files.isDirectory(Path.of("/proc/self"))) {
			return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
		}
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
			// The state follows the command name, which is in parentheses.
			return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
		}
		catch (IOException ex) {
			return false;
		}
	}

}
