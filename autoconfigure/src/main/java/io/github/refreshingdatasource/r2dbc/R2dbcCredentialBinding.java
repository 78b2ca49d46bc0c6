package io.github.refreshingdatasource.r2dbc;

import java.util.Locale;
import java.util.Set;

import io.github.refreshingdatasource.credentials.CredentialCache;
import io.github.refreshingdatasource.jdbc.RejectionHint;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Binds a {@link CredentialCache} to an R2DBC connection factory in two steps, both needed:
 * {@link #configure} gives the driver's {@code user} and {@code password} options publishers
 * that the driver subscribes to on every connection attempt (r2dbc-postgresql 1.0.3 and
 * later accept a {@code Publisher} there), and {@link #decorate} wraps the driver's factory so
 * each attempt reads one credential and a rejected one is replaced.
 */
public final class R2dbcCredentialBinding {

	/** Drivers whose {@code user} and {@code password} options accept a {@code Publisher}. */
	private static final Set<String> PUBLISHER_DRIVERS = Set.of("postgresql", "postgres");

	private static final Option<Publisher<String>> USER = Option.valueOf(ConnectionFactoryOptions.USER.name());

	private static final Option<Publisher<CharSequence>> PASSWORD = Option
		.valueOf(ConnectionFactoryOptions.PASSWORD.name());

	private R2dbcCredentialBinding() {
	}

	/**
	 * The driver the options select, looking through {@code r2dbc:pool:}.
	 * @param options the options
	 * @return the driver name, lower case, or {@code null} when none is set
	 */
	public static @Nullable String driver(ConnectionFactoryOptions options) {
		Object driver = options.getValue(ConnectionFactoryOptions.DRIVER);
		if (driver == null) {
			return null;
		}
		String name = driver.toString().toLowerCase(Locale.ROOT);
		if ("pool".equals(name)) {
			Object protocol = options.getValue(ConnectionFactoryOptions.PROTOCOL);
			return (protocol != null) ? protocol.toString().split(":", 2)[0].toLowerCase(Locale.ROOT) : null;
		}
		return name;
	}

	/**
	 * Whether the driver takes its credential from a publisher on every connection attempt.
	 * @param driver the driver name from {@link #driver}
	 * @return whether the binding can rotate its credentials
	 */
	public static boolean canRotate(@Nullable String driver) {
		return driver != null && PUBLISHER_DRIVERS.contains(driver);
	}

	/**
	 * Replace the {@code user} and {@code password} options with publishers of the cache's
	 * credential.
	 * @param options the options of the driver's connection factory
	 * @param cache the cache
	 */
	public static void configure(ConnectionFactoryOptions.Builder options, CredentialCache cache) {
		options.option(USER, Mono.deferContextual((context) -> attempt(context, cache).credential())
			.flatMap((credential) -> Mono.justOrEmpty(credential.username()))
			.switchIfEmpty(Mono.error(() -> new IllegalStateException(cache.getDataSourceName()
					+ ": the credential has no username; set spring.r2dbc.username or the provider's username"))));
		options.option(PASSWORD, Mono.deferContextual((context) -> attempt(context, cache).credential())
			.map(DbCredential::secret));
	}

	/**
	 * Wrap the driver's connection factory, or the pool when the URL itself asks for pooling.
	 * @param connectionFactory the factory built from options {@link #configure} changed
	 * @param cache the cache
	 * @param hint the likely fix of a rejected login, for this provider
	 * @return the factory to use in its place
	 */
	public static ConnectionFactory decorate(ConnectionFactory connectionFactory, CredentialCache cache,
			RejectionHint hint) {
		return new RejectionAwareConnectionFactory(connectionFactory, cache, hint);
	}

	private static CredentialAttempt attempt(reactor.util.context.ContextView context, CredentialCache cache) {
		// Without the decorator (a factory built elsewhere from these options), each option reads the cache itself.
		return context.getOrDefault(CredentialAttempt.KEY, new CredentialAttempt(cache));
	}

}
