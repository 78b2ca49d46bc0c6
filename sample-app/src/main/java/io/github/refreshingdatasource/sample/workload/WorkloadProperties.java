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
	 * Number of threads of the bound and of the plain lane, each running one query (a read
	 * or a transfer) at a time.
	 */
	private int threads = 3;

	/**
	 * Pause of each thread between two queries.
	 */
	private Duration pause = Duration.ofMillis(100);

	/**
	 * Pause between two reads of the reporting lane's one thread.
	 */
	private Duration reportingPause = Duration.ofMillis(500);

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

	Duration getReportingPause() {
		return this.reportingPause;
	}

	void setReportingPause(Duration reportingPause) {
		this.reportingPause = reportingPause;
	}

}
