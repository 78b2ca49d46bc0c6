package io.github.refreshingdatasource.autoconfigure.coordination;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.refreshingdatasource.autoconfigure.CoordinationType;
import io.github.refreshingdatasource.coordination.FleetCoordinator;
import org.jspecify.annotations.Nullable;

/**
 * Which DataSources of this application coordinate with the fleet, and through what: read
 * by the metrics and the endpoint.
 */
public final class CoordinatedDataSources {

	private final Map<String, Member> members = new ConcurrentHashMap<>();

	/**
	 * Record a DataSource that joined the fleet.
	 * @param dataSourceName the DataSource
	 * @param type its backend
	 * @param coordinator its coordinator
	 */
	public void joined(String dataSourceName, CoordinationType type, FleetCoordinator coordinator) {
		this.members.put(dataSourceName, new Member(type, coordinator));
	}

	/**
	 * How one DataSource coordinates.
	 * @param dataSourceName the DataSource
	 * @return its membership, or {@code null} when it acts alone
	 */
	public @Nullable Member get(String dataSourceName) {
		return this.members.get(dataSourceName);
	}

	/**
	 * Why the shared refresh token chain of a DataSource is broken, for health and the
	 * endpoint.
	 * @param dataSourceName the DataSource
	 * @return the message with the instruction to re-authorize, or {@code null} when the
	 * chain is whole or the DataSource acts alone
	 */
	public @Nullable String brokenChain(String dataSourceName) {
		Member member = this.members.get(dataSourceName);
		return (member != null) ? member.coordinator().brokenChain(dataSourceName) : null;
	}

	/** The bean's name, for code that must not load this class unless it exists. */
	public static final String BEAN_NAME = "refreshingDataSourceCoordinatedDataSources";

	/** @return every coordinated DataSource by name */
	public Map<String, Member> all() {
		return Map.copyOf(this.members);
	}

	/**
	 * A coordinated DataSource.
	 *
	 * @param type its backend
	 * @param coordinator its coordinator
	 */
	public record Member(CoordinationType type, FleetCoordinator coordinator) {
	}

}
