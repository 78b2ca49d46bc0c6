package io.github.refreshingdatasource.coordination;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

import org.springframework.integration.support.locks.LockRegistry;

/**
 * The fleet's locks, from a Spring Integration {@link LockRegistry} whose locks expire
 * after a lease, so a dead holder does not block the fleet. Counts the waits.
 */
final class FleetLocks {

	private final LockRegistry<?> registry;

	FleetLocks(LockRegistry<?> registry) {
		this.registry = registry;
	}

	/**
	 * Take a lock on this thread; the returned handle must be closed on it too.
	 * @param waited counted when another replica holds the lock and this one waits
	 */
	Held lock(String name, Duration timeout, Runnable waited) throws IOException, InterruptedException {
		Lock lock = this.registry.obtain(name);
		if (!lock.tryLock()) {
			waited.run();
			if (!lock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
				throw new IOException("Another replica has held the fleet lock '" + name + "' for more than " + timeout);
			}
		}
		return () -> {
			try {
				lock.unlock();
			}
			catch (RuntimeException ex) {
				// The lease ran out while held (the holder outlived it): another replica may
				// already hold the lock, and there is nothing left to release.
			}
		};
	}

	/**
	 * Take a lock that may be released from another thread: the registries' locks belong
	 * to the thread that took them, and a refresh-token redemption ends on the HTTP
	 * client's thread. A short-lived thread takes the lock, holds it and releases it.
	 */
	Held lockDetached(String name, Duration timeout, Runnable waited) throws IOException, InterruptedException {
		CompletableFuture<Held> taken = new CompletableFuture<>();
		CountDownLatch release = new CountDownLatch(1);
		Thread holder = new Thread(() -> {
			Held held;
			try {
				held = lock(name, timeout, waited);
			}
			catch (IOException | InterruptedException | RuntimeException ex) {
				taken.completeExceptionally(ex);
				return;
			}
			if (!taken.complete(release::countDown)) {
				// The caller was interrupted and is gone: release at once.
				held.close();
				return;
			}
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				held.close();
			}
		}, "refreshing-datasource-fleet-lock");
		holder.setDaemon(true);
		holder.start();
		try {
			return taken.get();
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof IOException io) {
				throw io;
			}
			if (cause instanceof InterruptedException interrupted) {
				throw interrupted;
			}
			throw new IOException("The fleet lock '" + name + "' could not be taken: " + cause.getClass().getSimpleName(),
					cause);
		}
		catch (InterruptedException ex) {
			if (!taken.completeExceptionally(ex)) {
				taken.join().close();
			}
			throw ex;
		}
	}

	@Override
	public String toString() {
		return this.registry.getClass().getSimpleName();
	}

	/** A held lock. */
	interface Held extends AutoCloseable {

		@Override
		void close();

	}

}
