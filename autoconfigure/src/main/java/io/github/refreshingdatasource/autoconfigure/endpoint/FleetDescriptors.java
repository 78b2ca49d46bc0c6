package io.github.refreshingdatasource.autoconfigure.endpoint;

import io.github.refreshingdatasource.autoconfigure.coordination.CoordinatedDataSources;
import io.github.refreshingdatasource.autoconfigure.endpoint.DbCredentialsEndpoint.CoordinationDescriptor;
import io.github.refreshingdatasource.coordination.FleetStatistics;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;

/**
 * The coordination part of the endpoint, read only when the coordination auto-configuration
 * registered its bean (so Spring Integration is on the classpath).
 */
final class FleetDescriptors {

	private static final String BEAN = CoordinatedDataSources.BEAN_NAME;

	private FleetDescriptors() {
	}

	static @Nullable CoordinationDescriptor describe(ListableBeanFactory beanFactory, String dataSourceName) {
		if (!beanFactory.containsBean(BEAN)) {
			return null;
		}
		CoordinatedDataSources.Member member = beanFactory.getBean(BEAN, CoordinatedDataSources.class)
			.get(dataSourceName);
		if (member == null) {
			return null;
		}
		FleetStatistics statistics = member.coordinator().statisticsOf(dataSourceName);
		return new CoordinationDescriptor(member.type().value(), member.coordinator().describe(),
				statistics.sharedHits(), statistics.lockWaits(), statistics.refreshes(), statistics.storeFailures(),
				member.coordinator().brokenChain(dataSourceName));
	}

}
