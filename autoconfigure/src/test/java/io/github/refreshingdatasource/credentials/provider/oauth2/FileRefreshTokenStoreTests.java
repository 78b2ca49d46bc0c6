package io.github.refreshingdatasource.credentials.provider.oauth2;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link FileRefreshTokenStore}: the lock is tried against a second JVM that
 * holds it, since a file lock means nothing within one process.
 */
class FileRefreshTokenStoreTests {

	private static final String TOKEN = "rt-7a61c0ffee";

	@TempDir
	Path tempDir;

	@Test
	void anotherProcessHoldingTheLockKeepsThisOneWaitingUntilItLetsGo() throws Exception {
		Path file = this.tempDir.resolve("rt.json");
		FileRefreshTokenStore store = new FileRefreshTokenStore(file, TOKEN);
		Process holder = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), LockHolder.class.getName(), file.toString())
			.redirectErrorStream(true)
			.start();
		try (BufferedReader out = new BufferedReader(
				new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
			assertThat(out.readLine()).isEqualTo("locked");
			assertThatExceptionOfType(IOException.class).isThrownBy(() -> store.lock(Duration.ofMillis(300)))
				.withMessageContaining("stayed locked by another redemption of the chain")
				.withMessageContaining(file + ".lock");
			holder.getOutputStream().close();
			try (RefreshTokenStore.Lock lock = store.lock(Duration.ofSeconds(30))) {
				assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
				assertThat(holder.exitValue()).isZero();
			}
		}
		finally {
			holder.destroyForcibly();
		}
	}

	@Test
	void twoStoresOfOneJvmOnOneFileTakeTurns() throws Exception {
		Path file = this.tempDir.resolve("rt.json");
		FileRefreshTokenStore first = new FileRefreshTokenStore(file, TOKEN);
		FileRefreshTokenStore second = new FileRefreshTokenStore(file, TOKEN);
		RefreshTokenStore.Lock held = first.lock(Duration.ofSeconds(5));
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> second.lock(Duration.ofMillis(100)));
		first.save("rt-1");
		held.close();
		held.close();
		try (RefreshTokenStore.Lock lock = second.lock(Duration.ofSeconds(5))) {
			// Re-read under the lock: the other store's token, not the configured one.
			assertThat(second.load()).isEqualTo("rt-1");
		}
	}

	@Test
	void anOversizedFileIsRefusedWithoutQuotingIt() throws Exception {
		Path file = this.tempDir.resolve("rt.json");
		Files.writeString(file, "{\"refresh_token\":\"" + TOKEN + "x".repeat(FileRefreshTokenStore.MAX_SIZE) + "\"}");
		assertThatExceptionOfType(IOException.class).isThrownBy(() -> new FileRefreshTokenStore(file, null).load())
			.withMessage("Refresh token file " + file + " is larger than 65536 bytes");
	}

	@Test
	void saveLeavesOnlyTheFileAndItsLockFile() throws Exception {
		Path file = this.tempDir.resolve("rt.json");
		FileRefreshTokenStore store = new FileRefreshTokenStore(file, TOKEN);
		try (RefreshTokenStore.Lock lock = store.lock(Duration.ofSeconds(5))) {
			store.save("rt-1");
		}
		try (var files = Files.list(this.tempDir)) {
			assertThat(files.map((path) -> path.getFileName().toString()).sorted().toList())
				.isEqualTo(List.of("rt.json", "rt.json.lock"));
		}
		assertThat(Files.readString(file)).doesNotContain(TOKEN);
	}

	/** The other process: takes the lock, says so, and holds it until its input closes. */
	static final class LockHolder {

		public static void main(String[] args) throws Exception {
			FileRefreshTokenStore store = new FileRefreshTokenStore(Path.of(args[0]), TOKEN);
			try (RefreshTokenStore.Lock lock = store.lock(Duration.ofSeconds(30))) {
				System.out.println("locked");
				System.out.flush();
				System.in.read();
			}
		}

	}

}
