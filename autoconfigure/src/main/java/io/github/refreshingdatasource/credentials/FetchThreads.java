package io.github.refreshingdatasource.credentials;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads provider calls run on, shared by all caches: at most {@code limit} calls run
 * at once, others wait their turn in order. A call stuck past its cache's fetch timeout gives
 * up its turn ({@link Slot#release()}) while it keeps its thread, so providers stuck in calls
 * that ignore interrupts cannot starve the other caches: with one stuck call per cache at most
 * (the fetcher's rule), threads stay within {@code limit} plus the number of stuck caches.
 * Idle threads time out.
 */
final class FetchThreads {

	private final ThreadPoolExecutor threads;

	private final int limit;

	private final Deque<Slot> waiting = new ArrayDeque<>();

	private int running;

	FetchThreads(int limit, Duration keepAlive, ThreadFactory factory) {
		this.limit = limit;
		// No queue of its own: each call admitted gets a thread (an idle one, or a new one).
		this.threads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, keepAlive.toMillis(), TimeUnit.MILLISECONDS,
				new SynchronousQueue<>(), factory);
	}

	/**
	 * Run the call when its turn comes.
	 * @param call the provider call
	 * @return its turn, to give up early once the call is stuck
	 * @throws RejectedExecutionException once closed
	 */
	Slot execute(Runnable call) {
		Slot slot = new Slot(call);
		boolean start;
		synchronized (this) {
			if (this.threads.isShutdown()) {
				throw new RejectedExecutionException("closed");
			}
			start = this.running < this.limit;
			if (start) {
				this.running++;
				slot.state = State.RUNNING;
			}
			else {
				this.waiting.add(slot);
			}
		}
		if (start) {
			launch(slot);
		}
		return slot;
	}

	private void launch(Slot slot) {
		try {
			this.threads.execute(slot::run);
		}
		catch (RejectedExecutionException ex) {
			// Closed meanwhile: the call never runs, and its caller's future is failed by close.
			slot.release();
		}
	}

	private void next() {
		Slot slot;
		synchronized (this) {
			this.running--;
			slot = this.waiting.poll();
			if (slot != null) {
				this.running++;
				slot.state = State.RUNNING;
			}
		}
		if (slot != null) {
			launch(slot);
		}
	}

	/** Calls running and counted against the limit (stuck ones excluded). */
	synchronized int running() {
		return this.running;
	}

	/** Calls waiting for their turn. */
	synchronized int waiting() {
		return this.waiting.size();
	}

	ThreadPoolExecutor threads() {
		return this.threads;
	}

	/** Drop the waiting calls and interrupt the running ones. */
	void shutdownNow() {
		synchronized (this) {
			this.waiting.clear();
		}
		this.threads.shutdownNow();
	}

	private enum State {

		WAITING, RUNNING, RELEASED, CANCELLED

	}

	/** One call's turn. */
	final class Slot {

		private final Runnable call;

		/** Guarded by the enclosing instance. */
		private State state = State.WAITING;

		Slot(Runnable call) {
			this.call = call;
		}

		private void run() {
			try {
				this.call.run();
			}
			finally {
				release();
			}
		}

		/**
		 * Give up the turn of a running call: the next waiting call starts. Does nothing to
		 * a call still waiting or already ended; repeating is harmless.
		 */
		void release() {
			synchronized (FetchThreads.this) {
				if (this.state != State.RUNNING) {
					return;
				}
				this.state = State.RELEASED;
			}
			next();
		}

		/**
		 * Take a call that is still waiting out of the line: it will never run.
		 * @return whether it was waiting (and now never runs); {@code false} once it started
		 */
		boolean cancel() {
			synchronized (FetchThreads.this) {
				if (this.state != State.WAITING) {
					return false;
				}
				this.state = State.CANCELLED;
				FetchThreads.this.waiting.remove(this);
				return true;
			}
		}

	}

}
