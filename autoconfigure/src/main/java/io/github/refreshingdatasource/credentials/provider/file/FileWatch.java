package io.github.refreshingdatasource.credentials.provider.file;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Watches the directory of a credential file on one daemon thread and calls a listener once
 * per burst of changes.
 * <p>
 * Any event in the directory counts, not only events naming the file: Kubernetes updates a
 * secret mount by swapping the {@code ..data} symlink the file points through, so the file
 * itself never changes. When the file is a symlink, the directory of its current target is
 * watched too, since writes there are not reported in the file's own directory.
 */
final class FileWatch implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(FileWatch.class);

	/**
	 * How long the directory must be quiet before a burst of events counts as over. One
	 * rewrite is a burst: a truncate and a write, a temporary file and a rename, or the
	 * Kubernetes sequence of directory, symlink, swap and delete, whose steps an agent may
	 * space out by tens of milliseconds on a busy node. 150 ms covers that with room, and
	 * still reports a rotation long before anything expires (rotations are minutes apart).
	 */
	static final Duration QUIET_PERIOD = Duration.ofMillis(150);

	/** Upper bound on the wait for quiet, so a busy directory still gets reported. */
	static final Duration MAX_DELAY = Duration.ofSeconds(1);

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(1);

	private final Path file;

	private final Runnable listener;

	private final WatchService watchService;

	/** Watched directories; touched by the constructor, then only by the watching thread. */
	private final Map<Path, WatchKey> keys = new HashMap<>();

	private final Thread thread;

	private volatile boolean closed;

	private FileWatch(Path file, Runnable listener) throws IOException {
		this.file = file.toAbsolutePath();
		this.listener = listener;
		this.watchService = this.file.getFileSystem().newWatchService();
		try {
			register(this.file.getParent());
		}
		catch (IOException | RuntimeException ex) {
			this.watchService.close();
			throw ex;
		}
		watchTargetDirectory();
		this.thread = new Thread(this::run, "refreshing-datasource-file-watch-" + this.file.getFileName());
		this.thread.setDaemon(true);
	}

	/**
	 * Start watching.
	 * @param file the credential file
	 * @param listener called on the watching thread after each burst of changes
	 * @return the running watch
	 * @throws IOException when the file's directory cannot be watched
	 */
	static FileWatch start(Path file, Runnable listener) throws IOException {
		FileWatch watch = new FileWatch(file, listener);
		watch.thread.start();
		return watch;
	}

	private void run() {
		try {
			while (!this.closed) {
				consume(this.watchService.take());
				awaitQuiet();
				watchDirectoriesAgain();
				if (!this.closed) {
					notifyListener();
				}
			}
		}
		catch (ClosedWatchServiceException | InterruptedException ex) {
			// Closed: nothing more to report.
		}
	}

	/**
	 * One rewrite is several events (write a temporary file, rename it; Kubernetes creates a
	 * directory, a symlink, swaps it, deletes the old directory), so swallow events until the
	 * directory has been quiet for a moment and report them as one change.
	 */
	private void awaitQuiet() throws InterruptedException {
		long deadline = System.nanoTime() + MAX_DELAY.toNanos();
		WatchKey key;
		while (System.nanoTime() < deadline
				&& (key = this.watchService.poll(QUIET_PERIOD.toMillis(), TimeUnit.MILLISECONDS)) != null) {
			consume(key);
		}
	}

	private void consume(WatchKey key) {
		key.pollEvents();
		if (!key.reset()) {
			// The directory is gone, e.g. the old timestamped directory of a Kubernetes mount.
			this.keys.values().removeIf(key::equals);
		}
	}

	private void watchDirectoriesAgain() {
		if (this.closed) {
			// Closing, perhaps with the directory already gone: nothing to warn about.
			return;
		}
		if (!this.keys.containsKey(this.file.getParent())) {
			try {
				register(this.file.getParent());
			}
			catch (IOException ex) {
				logger.warn("Cannot watch the directory of credential file " + this.file + " any more", ex);
			}
		}
		watchTargetDirectory();
	}

	private void watchTargetDirectory() {
		try {
			Path target = this.file.toRealPath().getParent();
			if (target != null && !this.keys.containsKey(target)) {
				register(target);
			}
		}
		catch (IOException ex) {
			// Missing for now (deleted, or mid-swap): its own directory reports its return.
		}
	}

	private void register(Path directory) throws IOException {
		this.keys.put(directory, directory.register(this.watchService, StandardWatchEventKinds.ENTRY_CREATE,
				StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE));
	}

	private void notifyListener() {
		try {
			this.listener.run();
		}
		catch (RuntimeException ex) {
			if (this.closed) {
				// Closed while the listener ran, e.g. its cache closed with the DataSource.
				logger.debug("Listener for changes of credential file " + this.file + " failed while closing", ex);
				return;
			}
			logger.warn("Listener for changes of credential file " + this.file + " failed", ex);
		}
	}

	/**
	 * Stop watching. Waits briefly for a listener call in progress, so that none starts
	 * after this returns.
	 */
	@Override
	public void close() {
		this.closed = true;
		try {
			// Wakes the thread from take() or poll().
			this.watchService.close();
		}
		catch (IOException ex) {
			logger.debug("Closing the watch service of credential file " + this.file + " failed", ex);
		}
		if (Thread.currentThread() != this.thread) {
			try {
				this.thread.join(CLOSE_TIMEOUT.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public String toString() {
		return "FileWatch[file=" + this.file + "]";
	}

}
