package io.github.refreshingdatasource.autoconfigure;

import java.time.Duration;

import io.github.refreshingdatasource.credentials.RefreshSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.ConfigurationProperty;

/**
 * Checks the {@code refresh.*} settings of one DataSource before the engine sees them, so a
 * wrong value fails startup naming the property as the user wrote it (the per-bean key when
 * that is where it was set), where it came from and its valid range, instead of an
 * {@code IllegalArgumentException} naming a Java field.
 */
final class RefreshPropertiesCheck {

	private final CredentialPropertiesResolver resolver;

	RefreshPropertiesCheck(CredentialPropertiesResolver resolver) {
		this.resolver = resolver;
	}

	/**
	 * The engine's settings of one DataSource, once every value is in range.
	 * @throws RefreshingDataSourceConfigurationException naming the first wrong property
	 */
	RefreshSettings settings(String name, CredentialProperties properties) {
		RefreshProperties refresh = properties.getRefresh();
		RefreshProperties.Retry retry = refresh.getRetry();
		RefreshProperties.Lockout lockout = refresh.getLockout();
		notNegative(name, "refresh.before-expiry", refresh.getBeforeExpiry());
		notNegative(name, "refresh.jitter", refresh.getJitter());
		positive(name, "refresh.fetch-timeout", refresh.getFetchTimeout());
		positive(name, "refresh.default-lifetime", refresh.getDefaultLifetime());
		notNegative(name, "refresh.min-interval", refresh.getMinInterval());
		notNegative(name, "refresh.manual-min-interval", refresh.getManualMinInterval());
		check(name, "refresh.retry.max-attempts", retry.getMaxAttempts() >= 1, "an integer of 1 or more (1: no retry)");
		positive(name, "refresh.retry.initial-interval", retry.getInitialInterval());
		check(name, "refresh.retry.multiplier", retry.getMultiplier() >= 1, "a number of 1 or more (1: a fixed wait)");
		check(name, "refresh.retry.max-interval", retry.getMaxInterval().compareTo(retry.getInitialInterval()) >= 0,
				"a duration of at least refresh.retry.initial-interval (" + retry.getInitialInterval() + ")");
		check(name, "refresh.lockout.max-consecutive-rejections", lockout.getMaxConsecutiveRejections() >= 0,
				"an integer of 0 or more (0 turns the guard off)");
		positive(name, "refresh.lockout.pause", lockout.getPause());
		check(name, "refresh.lockout.max-pause", lockout.getMaxPause().compareTo(lockout.getPause()) >= 0,
				"a duration of at least refresh.lockout.pause (" + lockout.getPause() + ")");
		return refresh.toSettings();
	}

	private void notNegative(String name, String property, Duration value) {
		check(name, property, !value.isNegative(), "a duration of 0 or more, such as 0s or 4m");
	}

	private void positive(String name, String property, Duration value) {
		check(name, property, !value.isNegative() && !value.isZero(), "a duration greater than 0, such as 10s");
	}

	private void check(String name, String property, boolean valid, String range) {
		if (valid) {
			return;
		}
		ConfigurationProperty set = this.resolver.find(name, property);
		String key = (set != null) ? set.getName().toString() : CredentialPropertiesResolver.PREFIX + "." + property;
		String value = (set != null) ? "'" + set.getValue() + "'" : "the value";
		throw new RefreshingDataSourceConfigurationException("DataSource '" + name + "': " + value + " is not a valid "
				+ key + origin(set) + "; it must be " + range + ".",
				"Set " + key + " to " + range + ", or remove it to use the default.");
	}

	private static String origin(@Nullable ConfigurationProperty property) {
		return (property != null && property.getOrigin() != null) ? " (from " + property.getOrigin() + ")" : "";
	}

}
