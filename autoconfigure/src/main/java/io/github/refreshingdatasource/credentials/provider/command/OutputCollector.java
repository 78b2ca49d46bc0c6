package io.github.refreshingdatasource.credentials.provider.command;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * Reads one output stream of a process to its end on a daemon thread of its own, so that
 * neither stdout nor stderr fills its pipe and blocks the program while the other is read.
 */
final class OutputCollector {

	private final InputStream input;

	private final int limit;

	private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

	private final Thread thread;

	// Written by the collecting thread, read after joining it.
	private boolean overflowed;

	private @Nullable IOException failure;

	private OutputCollector(InputStream input, String threadName, int limit) {
		this.input = input;
		this.limit = limit;
		this.thread = new Thread(this::collect, threadName);
		this.thread.setDaemon(true);
	}

	/**
	 * Start reading a stream.
	 * @param input the stream, closed when fully read
	 * @param threadName the name of the reading thread
	 * @param limit how many bytes to keep; the rest is read and dropped
	 * @return the running collector
	 */
	static OutputCollector start(InputStream input, String threadName, int limit) {
		OutputCollector collector = new OutputCollector(input, threadName, limit);
		collector.thread.start();
		return collector;
	}

	private void collect() {
		byte[] buffer = new byte[8192];
		try (this.input) {
			int read;
			while ((read = this.input.read(buffer)) != -1) {
				// Keep draining past the limit: the program would block on a full pipe.
				int kept = Math.max(0, Math.min(read, this.limit - this.bytes.size()));
				this.bytes.write(buffer, 0, kept);
				this.overflowed |= kept < read;
			}
		}
		catch (IOException ex) {
			this.failure = ex;
		}
	}

	/**
	 * Wait until the stream has been read to its end.
	 * @param nanos how long to wait at most
	 * @return {@code true} when the stream ended, {@code false} when still open
	 * @throws InterruptedException when interrupted while waiting
	 */
	boolean await(long nanos) throws InterruptedException {
		TimeUnit.NANOSECONDS.timedJoin(this.thread, nanos);
		return !this.thread.isAlive();
	}

	/**
	 * The text read, once {@link #await} returned {@code true}.
	 * @return the text, decoded as UTF-8
	 * @throws IOException when reading the stream failed
	 */
	String text() throws IOException {
		if (this.failure != null) {
			throw new IOException("Cannot read the output of the command", this.failure);
		}
		return this.bytes.toString(StandardCharsets.UTF_8);
	}

	/**
	 * Whether the stream carried more than the limit.
	 * @return {@code true} when bytes were dropped
	 */
	boolean overflowed() {
		return this.overflowed;
	}

}
