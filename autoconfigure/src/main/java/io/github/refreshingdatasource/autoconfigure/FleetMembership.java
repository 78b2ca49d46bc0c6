package io.github.refreshingdatasource.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.Collectors;

import io.github.refreshingdatasource.autoconfigure.coordination.CoordinatedDataSources;
import io.github.refreshingdatasource.autoconfigure.coordination.FleetBackend;
import io.github.refreshingdatasource.autoconfigure.provider.ProviderCoordination;
import io.github.refreshingdatasource.coordination.FleetCoordinator;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.LockoutLedger;
import io.github.refreshingdatasource.credentials.RefreshSettings;
import io.github.refreshingdatasource.credentials.provider.oauth2.RefreshTokenStore;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;

/**
 * The seam between a DataSource's cache and fleet coordination: when
 * {@code coordination.type} is set, finds its backend (or fails naming the dependency to
 * add), derives the credential source's key from the provider's identity and hands the
 * cache factory what the fleet shares.
 */
final class FleetMembership {

	private final CredentialProviders providers;

	private final ObjectProvider<FleetBackend> backends;

	private final ObjectProvider<CoordinatedDataSources> members;

	FleetMembership(CredentialProviders providers, ObjectProvider<FleetBackend> backends,
			ObjectProvider<CoordinatedDataSources> members) {
		this.providers = providers;
		this.backends = backends;
		this.members = members;
	}

	/**
	 * Join the fleet, when the DataSource coordinates.
	 * @return the membership, or {@code null} when the DataSource acts alone
	 */
	@Nullable Member join(String name, ProviderType type, CredentialProperties properties, DataSourceDetails details,
			RefreshSettings settings) {
		CoordinationProperties coordination = properties.getCoordination();
		CoordinationType backendType = coordination.getType();
		if (backendType == CoordinationType.NONE) {
			return null;
		}
		FleetBackend backend = this.backends.stream()
			.filter((candidate) -> candidate.type() == backendType)
			.findFirst()
			.orElseThrow(() -> missingBackend(name, backendType));
		if (coordination.getLease().compareTo(settings.fetchTimeout()) <= 0) {
			throw new RefreshingDataSourceConfigurationException("DataSource '" + name + "': coordination.lease ("
					+ coordination.getLease() + ") is not longer than refresh.fetch-timeout (" + settings.fetchTimeout()
					+ "): a replica still fetching could lose the fleet lock to another one.",
					"Set refreshing.datasource.coordination.lease above refresh.fetch-timeout.");
		}
		Duration lockTimeout = (coordination.getLockTimeout() != null) ? coordination.getLockTimeout()
				: settings.fetchTimeout();
		String identity = this.providers.fleetIdentity(name, type, properties, details);
		FleetCoordinator coordinator = backend.coordinator(name, coordination);
		CoordinatedDataSources members = this.members.getIfAvailable();
		if (members != null) {
			members.joined(name, backendType, coordinator);
		}
		return new Member(coordinator, name, key(identity),
				key(identity + "\n" + details.jdbcUrl() + "\n" + details.username()), lockTimeout,
				settings.beforeExpiry());
	}

	private static RefreshingDataSourceConfigurationException missingBackend(String name, CoordinationType type) {
		return new RefreshingDataSourceConfigurationException("DataSource '" + name + "' coordinates through '"
				+ type.value() + "', but " + type.requiredDependency() + " " + "is not on the classpath.",
				"Add the dependency " + type.requiredDependency() + " to your build, or set "
						+ "refreshing.datasource.coordination.type to one of " + Arrays.stream(CoordinationType.values())
							.map(CoordinationType::value)
							.collect(Collectors.joining(", "))
						+ ".");
	}

	/** The store key: a digest, so the identity (URLs, client ids) is not spelled out in Redis or a table. */
	private static String key(String identity) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest, 0, 16);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every Java platform", ex);
		}
	}

	/**
	 * A DataSource in the fleet.
	 *
	 * @param coordinator its backend's coordinator
	 * @param dataSourceName the DataSource
	 * @param key the credential source's key
	 * @param lockoutKey the key of the account's lockout guard (the source and the login)
	 * @param lockTimeout how long to wait for another replica's refresh
	 * @param beforeExpiry the refresh margin
	 */
	record Member(FleetCoordinator coordinator, String dataSourceName, String key, String lockoutKey,
			Duration lockTimeout, Duration beforeExpiry) implements ProviderCoordination {

		@Override
		public RefreshTokenStore refreshTokenStore(@Nullable String initial) {
			return this.coordinator.refreshTokenStore(this.key, initial);
		}

		CredentialProvider share(CredentialProvider own) {
			return this.coordinator.share(this.dataSourceName, this.key, own, this.lockTimeout, this.beforeExpiry);
		}

		LockoutLedger lockoutLedger() {
			return this.coordinator.lockoutLedger(this.dataSourceName, this.lockoutKey);
		}

	}

}
