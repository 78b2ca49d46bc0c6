package io.github.refreshingdatasource.credentials.provider.oauth2;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps the newest refresh token in a file, so that a restarted application continues a
 * chain of single-use refresh tokens instead of presenting one the server has already
 * replaced.
 * <p>
 * Each token is written to a temporary file in the same directory, forced to disk and
 * renamed over the old file, and the directory is forced to disk after the rename, so a
 * crash leaves either the old or the new token, never half of one, and never loses a
 * rename the endpoint's answer depended on. The file is readable and writable by its owner
 * only (on file systems with POSIX permissions).
 * <p>
 * Several processes (replicas on one shared volume) may use one file: {@link #lock}
 * takes an exclusive {@link FileLock} on the sidecar file {@code <file>.lock} (and, for
 * token sources of one JVM, which a file lock does not tell apart, a semaphore per file),
 * and the token source re-reads the file under that lock before each redemption, so the
 * processes continue one chain instead of forking it. File locks are advisory and work on
 * local file systems and NFSv4; the sidecar file is never deleted, so that every process
 * locks the same file.
 * <p>
 * The file also records the SHA-256 of the configured token the chain started from. When
 * the configured token changes (someone re-authorized and configured the new one), the
 * configured token wins over the file; otherwise the file wins, since it is newer.
 */
public final class FileRefreshTokenStore implements RefreshTokenStore {

	private static final JsonMapper MAPPER = JsonMapper.shared();

	private static final String TOKEN_FIELD = "refresh_token";

	private static final String SEED_FIELD = "configured_token_sha256";

	private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

	/** The largest file read: a refresh token is a few kilobytes at most. */
	static final int MAX_SIZE = 64 * 1024;

	/** How often a lock held by another process is tried again: a file lock cannot be awaited with a bound. */
	private static final long LOCK_POLL_MILLIS = 20;

	/** Per lock file, for the token sources of this JVM. */
	private static final Map<Path, Semaphore> LOCAL_LOCKS = new ConcurrentHashMap<>();

	private final Path file;

	private final Path lockFile;

	private final @Nullable String configured;

	private final @Nullable String configuredHash;

	/**
	 * Create a store.
	 * @param file the file holding the newest refresh token; its directory must exist
	 * @param configured the refresh token from configuration, used until the file holds a
	 * newer one of the same chain
	 */
	public FileRefreshTokenStore(Path file, @Nullable String configured) {
		this.file = file.toAbsolutePath().normalize();
		this.lockFile = this.file.resolveSibling(this.file.getFileName() + ".lock");
		this.configured = (configured != null && !configured.isEmpty()) ? configured : null;
		this.configuredHash = (this.configured != null) ? sha256(this.configured) : null;
	}

	@Override
	public synchronized @Nullable String load() throws IOException {
		Stored stored = read();
		if (stored == null) {
			return this.configured;
		}
		if (this.configuredHash != null && !this.configuredHash.equals(stored.seed)) {
			// The configured token is not the one this chain started from: it is newer.
			return this.configured;
		}
		return stored.token;
	}

	@Override
	public synchronized void save(String refreshToken) throws IOException {
		Stored previous = (this.configuredHash != null) ? null : readQuietly();
		String seed = (this.configuredHash != null) ? this.configuredHash : (previous != null) ? previous.seed : null;
		Map<String, String> content = new LinkedHashMap<>();
		content.put(TOKEN_FIELD, refreshToken);
		if (seed != null) {
			content.put(SEED_FIELD, seed);
		}
		byte[] bytes = MAPPER.writeValueAsBytes(content);
		Path directory = this.file.getParent();
		Path temporary = Files.createTempFile(directory, "." + this.file.getFileName(), ".tmp", ownerOnly());
		try {
			try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE,
					StandardOpenOption.TRUNCATE_EXISTING)) {
				ByteBuffer buffer = ByteBuffer.wrap(bytes);
				while (buffer.hasRemaining()) {
					channel.write(buffer);
				}
				channel.force(true);
			}
			try {
				Files.move(temporary, this.file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(temporary, this.file, StandardCopyOption.REPLACE_EXISTING);
			}
			forceDirectory(directory);
		}
		finally {
			Files.deleteIfExists(temporary);
		}
	}

	@Override
	public Lock lock(Duration timeout) throws IOException, InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		Semaphore local = LOCAL_LOCKS.computeIfAbsent(this.lockFile, (path) -> new Semaphore(1));
		if (!local.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
			throw lockTimeout(timeout);
		}
		FileChannel channel = null;
		try {
			channel = FileChannel.open(this.lockFile,
					Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), ownerOnly());
			FileLock fileLock = tryLock(channel);
			while (fileLock == null) {
				if (System.nanoTime() - deadline > 0) {
					throw lockTimeout(timeout);
				}
				Thread.sleep(LOCK_POLL_MILLIS);
				fileLock = tryLock(channel);
			}
			return new HeldFileLock(fileLock, channel, local);
		}
		catch (IOException | InterruptedException | RuntimeException ex) {
			if (channel != null) {
				channel.close();
			}
			local.release();
			throw ex;
		}
	}

	private static @Nullable FileLock tryLock(FileChannel channel) throws IOException {
		try {
			return channel.tryLock();
		}
		catch (OverlappingFileLockException ex) {
			// Held through another channel of this JVM, which the semaphore should prevent.
			return null;
		}
	}

	private IOException lockTimeout(Duration timeout) {
		return new IOException("Refresh token file " + this.file + " stayed locked by another redemption of the chain "
				+ "(this or another process, lock file " + this.lockFile + ") for " + timeout);
	}

	/**
	 * Force the rename to disk: without it, a crash may bring back the old, spent token.
	 */
	private static void forceDirectory(Path directory) {
		try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
			channel.force(true);
		}
		catch (IOException ex) {
			// Not every platform opens a directory (Windows does not); its renames are durable anyway.
		}
	}

	private @Nullable Stored readQuietly() {
		try {
			return read();
		}
		catch (IOException ex) {
			return null;
		}
	}

	private @Nullable Stored read() throws IOException {
		byte[] bytes;
		try (InputStream in = Files.newInputStream(this.file)) {
			bytes = in.readNBytes(MAX_SIZE + 1);
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		if (bytes.length > MAX_SIZE) {
			throw new IOException("Refresh token file " + this.file + " is larger than " + MAX_SIZE + " bytes");
		}
		JsonNode root;
		try {
			root = MAPPER.readTree(new String(bytes, StandardCharsets.UTF_8));
		}
		catch (JacksonException ex) {
			// Jackson's message may quote part of the token.
			throw new IOException("Refresh token file " + this.file + " is not valid JSON");
		}
		JsonNode token = (root != null) ? root.get(TOKEN_FIELD) : null;
		if (token == null || !token.isString() || token.stringValue().isEmpty()) {
			throw new IOException("Refresh token file " + this.file + " has no '" + TOKEN_FIELD + "' string");
		}
		JsonNode seed = root.get(SEED_FIELD);
		return new Stored(token.stringValue(), (seed != null && seed.isString()) ? seed.stringValue() : null);
	}

	private static FileAttribute<?>[] ownerOnly() {
		if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
			return new FileAttribute<?>[] { PosixFilePermissions.asFileAttribute(OWNER_ONLY) };
		}
		return new FileAttribute<?>[0];
	}

	private static String sha256(String value) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every Java platform", ex);
		}
	}

	public Path getFile() {
		return this.file;
	}

	@Override
	public String toString() {
		return "file " + this.file;
	}

	private record Stored(String token, @Nullable String seed) {

		@Override
		public String toString() {
			return "Stored[seed=" + this.seed + "]";
		}

	}

}
