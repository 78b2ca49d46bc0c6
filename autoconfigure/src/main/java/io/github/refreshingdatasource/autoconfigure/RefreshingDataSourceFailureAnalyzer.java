package io.github.refreshingdatasource.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link RefreshingDataSourceConfigurationException} at startup.
 */
class RefreshingDataSourceFailureAnalyzer extends AbstractFailureAnalyzer<RefreshingDataSourceConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, RefreshingDataSourceConfigurationException cause) {
		return new FailureAnalysis(cause.getDescription(), cause.getAction(), cause);
	}

}
