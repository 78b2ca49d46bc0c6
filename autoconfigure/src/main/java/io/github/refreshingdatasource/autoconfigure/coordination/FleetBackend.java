package io.github.refreshingdatasource.autoconfigure.coordination;

import io.github.refreshingdatasource.autoconfigure.CoordinationProperties;
import io.github.refreshingdatasource.autoconfigure.CoordinationType;
import io.github.refreshingdatasource.coordination.FleetCoordinator;

/**
 * One coordination backend whose libraries are present: registered by its configuration
 * class only when they are, so a missing one is reported with the dependency to add.
 */
public interface FleetBackend {

	/**
	 * The type this backend serves.
	 * @return the type
	 */
	CoordinationType type();

	/**
	 * The coordinator of one DataSource, checking its settings first.
	 * @param dataSourceName the coordinated DataSource
	 * @param properties its coordination settings
	 * @return the coordinator; DataSources with equal settings get the same one
	 * @throws io.github.refreshingdatasource.autoconfigure.RefreshingDataSourceConfigurationException
	 * when the settings cannot work
	 */
	FleetCoordinator coordinator(String dataSourceName, CoordinationProperties properties);

}
