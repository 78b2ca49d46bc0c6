package io.github.refreshingdatasource.credentials.provider.file;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.refreshingdatasource.credentials.DbCredential;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.awaitility.Awaitility.await;

class FileCredentialProviderTests {

	private static final Duration WAIT = Duration.ofSeconds(5);

	@TempDir
	Path directory;

	@Test
	void aFileLargerThan64KiBIsRefusedNamingItsPropertyNotItsContent() throws Exception {
		Path file = this.directory.resolve("huge");
		String secret = "s3cret-" + "x".repeat(70 * 1024);
		Files.writeString(file, secret);
		assertThatIOException()
			.isThrownBy(() -> new FileCredentialProvider(file).fetch())
			.withMessage("Credential file " + file + " (refreshing.datasource.provider.file.path) is larger than 65536 "
					+ "bytes; it is not read")
			.withNoCause();
		Files.writeString(file, "x".repeat(64 * 1024));
		assertThat(new FileCredentialProvider(file).fetch().secret()).hasSize(64 * 1024);
	}

	@Test
	void readsPlainTextAsPasswordStrippingTheNewline() throws Exception {
		Path file = write("password", "  s3cr3t\n");
		DbCredential credential = new FileCredentialProvider(file).fetch();
		assertThat(credential.secret()).isEqualTo("s3cr3t");
		assertThat(credential.username()).isNull();
		assertThat(credential.expiresAt()).isNull();
	}

	@Test
	void readsJsonWithUsernameAndExpiry() throws Exception {
		Path file = write("credential.json",
				"{\"username\": \"app\", \"password\": \"s3cr3t\", \"expires_at\": \"2026-01-01T00:00:00Z\"}\n");
		DbCredential credential = new FileCredentialProvider(file).fetch();
		assertThat(credential.username()).isEqualTo("app");
		assertThat(credential.secret()).isEqualTo("s3cr3t");
		assertThat(credential.expiresAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
	}

	@Test
	void readsJsonWithoutUsernameOrExpiry() throws Exception {
		Path file = write("credential.json", "{\"password\": \"s3cr3t\"}");
		DbCredential credential = new FileCredentialProvider(file).fetch();
		assertThat(credential.secret()).isEqualTo("s3cr3t");
		assertThat(credential.username()).isNull();
		assertThat(credential.expiresAt()).isNull();
	}

	@Test
	void readsJsonWithCustomFieldNames() throws Exception {
		Path file = write("vault.json", "{\"login\": \"app\", \"secret\": \"s3cr3t\", \"lease_end\": 1767225600}");
		DbCredential credential = new FileCredentialProvider(file, "secret", "login", "lease_end").fetch();
		assertThat(credential.username()).isEqualTo("app");
		assertThat(credential.secret()).isEqualTo("s3cr3t");
		assertThat(credential.expiresAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
	}

	@Test
	void missingFileIsNamed() {
		Path file = this.directory.resolve("absent");
		assertThatIOException().isThrownBy(() -> new FileCredentialProvider(file).fetch())
			.withMessage("Credential file " + file + " does not exist");
	}

	@Test
	void emptyFileIsNamed() throws IOException {
		Path file = write("password", " \n");
		assertThatIOException().isThrownBy(() -> new FileCredentialProvider(file).fetch())
			.withMessage("Credential file " + file + " is empty");
	}

	@Test
	void directoryInsteadOfFileIsNamed() {
		assertThatIOException().isThrownBy(() -> new FileCredentialProvider(this.directory).fetch())
			.withMessage("Cannot read credential file " + this.directory);
	}

	@Test
	void jsonWithoutPasswordFieldNamesTheFieldButNotTheSecret() throws IOException {
		Path file = write("credential.json", "{\"username\": \"app\", \"pass\": \"hunter2\"}");
		assertThatIOException().isThrownBy(() -> new FileCredentialProvider(file).fetch())
			.withMessage("Credential file " + file + ": JSON has no 'password' field")
			.withMessageNotContaining("hunter2");
	}

	@Test
	void malformedJsonDoesNotQuoteTheSecret() throws IOException {
		Path file = write("credential.json", "{\"password\": hunter2}");
		assertThatIOException().isThrownBy(() -> new FileCredentialProvider(file).fetch())
			.withMessageStartingWith("Credential file " + file + ": Invalid JSON")
			.withMessageNotContaining("hunter2");
	}

	@Test
	void toStringShowsThePathOnly() throws IOException {
		Path file = write("password", "s3cr3t");
		assertThat(new FileCredentialProvider(file)).hasToString("FileCredentialProvider[path=" + file + "]");
	}

	@Test
	void watchReportsAnAtomicRenameOnce() throws Exception {
		Path file = write("password", "old");
		FileCredentialProvider provider = new FileCredentialProvider(file);
		AtomicInteger changes = new AtomicInteger();
		try (AutoCloseable watch = provider.watch(changes::incrementAndGet)) {
			Path temporary = write(".password.tmp", "new");
			Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			await().atMost(WAIT).until(() -> changes.get() > 0);
			// Create, write and rename are one burst: no second call follows.
			await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> changes.get() == 1);
			assertThat(provider.fetch().secret()).isEqualTo("new");
		}
	}

	@Test
	void aChangeTheCacheHasAlreadyReadIsNotReportedAgain() throws Exception {
		// A rejected login made the cache read the rotated file before the watch's quiet period ended.
		Path file = write("password", "old");
		FileCredentialProvider provider = new FileCredentialProvider(file);
		assertThat(provider.fetch().secret()).isEqualTo("old");
		AtomicInteger changes = new AtomicInteger();
		try (AutoCloseable watch = provider.watch(changes::incrementAndGet)) {
			Files.writeString(file, "new");
			assertThat(provider.fetch().secret()).isEqualTo("new");
			// The quiet period (150 ms) passes, the watch looks, finds what was read: no report.
			await().during(Duration.ofMillis(600)).atMost(WAIT).until(() -> changes.get() == 0);
			// The same bytes written again are no change either; other bytes are.
			Files.writeString(file, "new");
			Files.writeString(file, "newer");
			await().atMost(WAIT).until(() -> changes.get() == 1);
			await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> changes.get() == 1);
		}
	}

	@Test
	void contentThatFailedToParseIsReportedWhenRewritten() throws Exception {
		Path file = write("password", "{\"password\": \"s3cr3t\"}");
		FileCredentialProvider provider = new FileCredentialProvider(file);
		provider.fetch();
		Files.writeString(file, "{\"username\": \"half-written\"");
		assertThatIOException().isThrownBy(provider::fetch);
		// The broken content was never returned, so the watch still reports it (the cache retries).
		assertThat(provider.changedSinceLastReturned()).isTrue();
		Files.writeString(file, "{\"password\": \"s3cr3t\"}");
		assertThat(provider.changedSinceLastReturned()).isFalse();
		Files.delete(file);
		assertThat(provider.changedSinceLastReturned()).isTrue();
	}

	@Test
	void watchReportsAnInPlaceWrite() throws Exception {
		Path file = write("password", "old");
		AtomicInteger changes = new AtomicInteger();
		try (AutoCloseable watch = new FileCredentialProvider(file).watch(changes::incrementAndGet)) {
			Files.writeString(file, "new");
			await().atMost(WAIT).until(() -> changes.get() > 0);
		}
	}

	@Test
	void watchReportsAKubernetesSymlinkSwap() throws Exception {
		// The layout of a Kubernetes secret volume: password -> ..data/password, ..data -> ..<timestamp>
		Files.createDirectory(this.directory.resolve("..2026_01_01_00_00_00.1"));
		write("..2026_01_01_00_00_00.1/password", "old");
		Files.createSymbolicLink(this.directory.resolve("..data"), Path.of("..2026_01_01_00_00_00.1"));
		Path file = Files.createSymbolicLink(this.directory.resolve("password"), Path.of("..data/password"));
		FileCredentialProvider provider = new FileCredentialProvider(file);
		AtomicInteger changes = new AtomicInteger();
		try (AutoCloseable watch = provider.watch(changes::incrementAndGet)) {
			Files.createDirectory(this.directory.resolve("..2026_01_02_00_00_00.2"));
			write("..2026_01_02_00_00_00.2/password", "new");
			Files.createSymbolicLink(this.directory.resolve("..data_tmp"), Path.of("..2026_01_02_00_00_00.2"));
			Files.move(this.directory.resolve("..data_tmp"), this.directory.resolve("..data"),
					StandardCopyOption.ATOMIC_MOVE);
			await().atMost(WAIT).until(() -> changes.get() > 0);
			assertThat(provider.fetch().secret()).isEqualTo("new");
		}
	}

	@Test
	void watchReportsWritesToTheTargetOfASymlinkInAnotherDirectory() throws Exception {
		Path target = Files.createDirectory(this.directory.resolve("vault")).resolve("password");
		Files.writeString(target, "old");
		Path links = Files.createDirectory(this.directory.resolve("app"));
		Path file = Files.createSymbolicLink(links.resolve("password"), target);
		AtomicInteger changes = new AtomicInteger();
		try (AutoCloseable watch = new FileCredentialProvider(file).watch(changes::incrementAndGet)) {
			Files.writeString(target, "new");
			await().atMost(WAIT).until(() -> changes.get() > 0);
		}
	}

	@Test
	void watchRunsOnANamedDaemonThreadThatStopsOnClose() throws Exception {
		Path file = write("db-password", "old");
		AtomicInteger changes = new AtomicInteger();
		AutoCloseable watch = new FileCredentialProvider(file).watch(changes::incrementAndGet);
		assertThat(watchThread("db-password")).isNotNull().satisfies((thread) -> assertThat(thread.isDaemon()).isTrue());
		watch.close();
		assertThat(watchThread("db-password")).isNull();
		Files.writeString(file, "new");
		await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> changes.get() == 0);
	}

	@Test
	void watchKeepsGoingWhenTheListenerFails() throws Exception {
		Path file = write("password", "old");
		AtomicInteger changes = new AtomicInteger();
		Runnable failing = () -> {
			changes.incrementAndGet();
			throw new IllegalStateException("listener failure");
		};
		try (AutoCloseable watch = new FileCredentialProvider(file).watch(failing)) {
			Files.writeString(file, "new");
			await().atMost(WAIT).until(() -> changes.get() == 1);
			Files.writeString(file, "newer");
			await().atMost(WAIT).until(() -> changes.get() == 2);
		}
	}

	private Path write(String name, String content) throws IOException {
		return Files.writeString(this.directory.resolve(name), content);
	}

	private static Thread watchThread(String fileName) {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().equals("refreshing-datasource-file-watch-" + fileName))
			.findFirst()
			.orElse(null);
	}

}
