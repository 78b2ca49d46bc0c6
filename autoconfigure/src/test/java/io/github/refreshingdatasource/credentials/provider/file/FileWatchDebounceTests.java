package io.github.refreshingdatasource.credentials.provider.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One rewrite of a watched file, in each of the ways files get rewritten, is one change
 * notification: with the real watch service, one watch for all four rewrites in turn.
 */
@ExtendWith(OutputCaptureExtension.class)
class FileWatchDebounceTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	/** Well past the quiet period: a second notification for the same rewrite would show. */
	private static final Duration NO_SECOND = FileWatch.QUIET_PERIOD.multipliedBy(4);

	@TempDir
	Path directory;

	private final AtomicInteger changes = new AtomicInteger();

	@Test
	void eachRewriteStyleIsOneNotification() throws Exception {
		// Kubernetes layout: password -> ..data/password, ..data -> ..<timestamp>
		Path first = Files.createDirectory(this.directory.resolve("..2026_01_01.1"));
		Files.writeString(first.resolve("password"), "v0");
		Files.createSymbolicLink(this.directory.resolve("..data"), Path.of("..2026_01_01.1"));
		Path file = Files.createSymbolicLink(this.directory.resolve("password"), Path.of("..data/password"));
		Path real = first.resolve("password");
		try (FileWatch watch = FileWatch.start(file, this.changes::incrementAndGet)) {
			// 1. A plain write (open with truncate, write, close).
			Files.writeString(real, "v1");
			expectChanges(1);
			// 2. Truncate, then write in a second step.
			try (FileChannel channel = FileChannel.open(real, StandardOpenOption.WRITE)) {
				channel.truncate(0);
				channel.force(true);
				channel.write(ByteBuffer.wrap("v2".getBytes(StandardCharsets.UTF_8)));
			}
			expectChanges(2);
			// 3. Write a temporary file, rename it over the file.
			Path temporary = first.resolve(".password.tmp");
			Files.writeString(temporary, "v3");
			Files.move(temporary, real, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			expectChanges(3);
			// 4. Kubernetes: new timestamped directory, new ..data symlink swapped in, old one deleted.
			Path second = Files.createDirectory(this.directory.resolve("..2026_01_02.2"));
			Files.writeString(second.resolve("password"), "v4");
			Files.createSymbolicLink(this.directory.resolve("..data_tmp"), Path.of("..2026_01_02.2"));
			Files.move(this.directory.resolve("..data_tmp"), this.directory.resolve("..data"),
					StandardCopyOption.ATOMIC_MOVE);
			Files.delete(real);
			Files.delete(first);
			expectChanges(4);
			assertThat(Files.readString(file)).isEqualTo("v4");
			// The watch follows the new target directory: a write there is one more change.
			Files.writeString(second.resolve("password"), "v5");
			expectChanges(5);
		}
	}

	@Test
	void normalCloseLogsNoWarning(CapturedOutput output) throws IOException {
		Path file = Files.writeString(this.directory.resolve("password"), "v0");
		FileWatch watch = FileWatch.start(file, this.changes::incrementAndGet);
		Files.writeString(file, "v1");
		expectChanges(1);
		watch.close();
		Files.delete(file);
		assertThat(output.getAll()).doesNotContain("WARN");
	}

	@Test
	void closeWhileTheDirectoryDisappearsLogsNoWarning(CapturedOutput output) throws IOException {
		Path sub = Files.createDirectory(this.directory.resolve("secrets"));
		Path file = Files.writeString(sub.resolve("password"), "v0");
		FileWatch watch = FileWatch.start(file, this.changes::incrementAndGet);
		watch.close();
		Files.delete(file);
		Files.delete(sub);
		await().during(NO_SECOND).atMost(WAIT).until(() -> this.changes.get() == 0);
		assertThat(output.getAll()).doesNotContain("WARN");
	}

	private void expectChanges(int expected) {
		await().atMost(WAIT).until(() -> this.changes.get() >= expected);
		await().during(NO_SECOND).atMost(WAIT).until(() -> this.changes.get() == expected);
	}

}
