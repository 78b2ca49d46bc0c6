package io.github.refreshingdatasource.sample.workload;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The demo's background workload.
 */
@ConfigurationProperties("demo.workload")
class WorkloadProperties {

	/**
	 * Whether to run the workload.
	 */
	private boolean enabled = true;

	/**
	 * Number of threads, each running one query (a read or a transfer) at a time.
	 */
	private int threads = 3;

	/**
	 * Pause of each thread between two queries.
	 */
	private Duration pause = Duration.ofMillis(100);

	boolean isEnabled() {
		return this.enabled;
	}

	void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	int getThreads() {
		return this.threads;
	}

	void setThreads(int threads) {
		this.threads = threads;
	}

	Duration getPause() {
		return this.pause;
	}

	void setPause(Duration pause) {
		this.pause = pause;
	}

}
