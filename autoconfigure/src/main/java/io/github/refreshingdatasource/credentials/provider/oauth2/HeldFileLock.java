package io.github.refreshingdatasource.credentials.provider.oauth2;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/** A held lock: the file lock, its channel and this JVM's semaphore, released once. */
final class HeldFileLock implements RefreshTokenStore.Lock {

	private final FileLock fileLock;

	private final FileChannel channel;

	private final Semaphore local;

	private final AtomicBoolean released = new AtomicBoolean();

	HeldFileLock(FileLock fileLock, FileChannel channel, Semaphore local) {
		this.fileLock = fileLock;
		this.channel = channel;
		this.local = local;
	}

	@Override
	public void close() {
		if (!this.released.compareAndSet(false, true)) {
			return;
		}
		try {
			try {
				this.fileLock.release();
			}
			finally {
				this.channel.close();
			}
		}
		catch (IOException ex) {
			// Closing the channel releases the lock in any case.
		}
		finally {
			this.local.release();
		}
	}

}
