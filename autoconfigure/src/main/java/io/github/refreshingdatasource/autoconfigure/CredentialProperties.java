package io.github.refreshingdatasource.autoconfigure;

import java.time.Duration;

import io.github.refreshingdatasource.credentials.RefreshMode;
import io.github.refreshingdatasource.credentials.RefreshSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.convert.DurationUnit;

/**
 * Credential settings of one DataSource: the top-level {@code refreshing.datasource.*}
 * values, overridden per bean by {@code refreshing.datasource.datasources.<bean-name>.*}.
 */
public class CredentialProperties {

	/**
	 * Whether to bind rotating credentials to this DataSource.
	 */
	private boolean enabled = true;

	/**
	 * Username for credentials whose source does not name one (a token, a plain-text
	 * password file). Defaults to spring.datasource.username.
	 */
	private @Nullable String username;

	/**
	 * What to do with pooled connections when a new credential arrives. Defaults to the
	 * provider's choice: keep, except evict for vault (whose old users are dropped).
	 */
	private @Nullable OnRotation onRotation;

	/**
	 * Whether a provider whose token is the password (azure, aws-rds-iam, oauth2) may send
	 * it over a connection without TLS (a JDBC URL that turns TLS off or leaves it
	 * optional) or fetch it from a token endpoint over plain HTTP. Only for a database on
	 * the same host, such as a local test database.
	 */
	private boolean allowInsecureTransport;

	/**
	 * Whether startup waits for the first credential (at most fetch-timeout times the
	 * retry attempts) and opens one login with it, failing when either fails. Off, a
	 * wrong provider setting or a refused login surfaces at the first query.
	 */
	private boolean failFast;

	private final Provider provider = new Provider();

	private final Refresh refresh = new Refresh();

	@NestedConfigurationProperty
	private final CoordinationProperties coordination = new CoordinationProperties();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getUsername() {
		return this.username;
	}

	public void setUsername(@Nullable String username) {
		this.username = username;
	}

	public @Nullable OnRotation getOnRotation() {
		return this.onRotation;
	}

	public void setOnRotation(@Nullable OnRotation onRotation) {
		this.onRotation = onRotation;
	}

	public boolean isAllowInsecureTransport() {
		return this.allowInsecureTransport;
	}

	public void setAllowInsecureTransport(boolean allowInsecureTransport) {
		this.allowInsecureTransport = allowInsecureTransport;
	}

	public boolean isFailFast() {
		return this.failFast;
	}

	public void setFailFast(boolean failFast) {
		this.failFast = failFast;
	}

	public Provider getProvider() {
		return this.provider;
	}

	public Refresh getRefresh() {
		return this.refresh;
	}

	public CoordinationProperties getCoordination() {
		return this.coordination;
	}

	/**
	 * Where credentials come from. Each provider's own settings
	 * ({@code provider.<type>.*}) are bound by that provider's package.
	 */
	public static class Provider {

		/**
		 * Credential provider type. When not set, the single CredentialProvider bean of the
		 * application, if there is exactly one.
		 */
		private @Nullable ProviderType type;

		public @Nullable ProviderType getType() {
			return this.type;
		}

		public void setType(@Nullable ProviderType type) {
			this.type = type;
		}

	}

	/**
	 * When credentials are refreshed and how failed fetches are retried.
	 */
	public static class Refresh {

		/**
		 * When a still-valid credential is refreshed: 'background' refreshes ahead of expiry
		 * on a scheduler thread; 'lazy' refreshes when a new connection finds the credential
		 * inside the refresh margin, with no scheduler thread, for serverless and
		 * scale-to-zero containers whose CPU is throttled between requests.
		 */
		private RefreshMode mode = RefreshMode.BACKGROUND;

		/**
		 * Time before expiry at which a credential living less than an hour is refreshed
		 * (never before half its lifetime has passed). Credentials living an hour or more
		 * are refreshed at half their lifetime.
		 */
		private Duration beforeExpiry = Duration.ofMinutes(4);

		/**
		 * Largest random amount by which a scheduled refresh is brought forward, so a fleet
		 * does not refresh in the same second (at most a quarter of the delay).
		 */
		private Duration jitter = Duration.ofSeconds(30);

		/**
		 * How long one provider call may take, and how long a new connection waits for a
		 * credential.
		 */
		private Duration fetchTimeout = Duration.ofSeconds(10);

		/**
		 * How often a credential without a stated expiry is fetched again.
		 */
		private Duration defaultLifetime = Duration.ofMinutes(15);

		/**
		 * Shortest time between two scheduled refreshes, so a source that keeps returning a
		 * credential close to its expiry is not polled in a tight loop.
		 */
		@DurationUnit(java.time.temporal.ChronoUnit.MILLIS)
		private Duration minInterval = Duration.ofSeconds(1);

		/**
		 * Shortest time between two manual refreshes (the Actuator endpoint's POST) that call
		 * the provider; one asked for sooner is refused, so repeated requests cannot hammer
		 * the source or defeat the lockout guard. Zero turns the limit off.
		 */
		private Duration manualMinInterval = Duration.ofSeconds(10);

		private final Retry retry = new Retry();

		private final Lockout lockout = new Lockout();

		public RefreshMode getMode() {
			return this.mode;
		}

		public void setMode(RefreshMode mode) {
			this.mode = mode;
		}

		public Duration getBeforeExpiry() {
			return this.beforeExpiry;
		}

		public void setBeforeExpiry(Duration beforeExpiry) {
			this.beforeExpiry = beforeExpiry;
		}

		public Duration getJitter() {
			return this.jitter;
		}

		public void setJitter(Duration jitter) {
			this.jitter = jitter;
		}

		public Duration getFetchTimeout() {
			return this.fetchTimeout;
		}

		public void setFetchTimeout(Duration fetchTimeout) {
			this.fetchTimeout = fetchTimeout;
		}

		public Duration getDefaultLifetime() {
			return this.defaultLifetime;
		}

		public void setDefaultLifetime(Duration defaultLifetime) {
			this.defaultLifetime = defaultLifetime;
		}

		public Duration getMinInterval() {
			return this.minInterval;
		}

		public void setMinInterval(Duration minInterval) {
			this.minInterval = minInterval;
		}

		public Retry getRetry() {
			return this.retry;
		}

		public Lockout getLockout() {
			return this.lockout;
		}

		public Duration getManualMinInterval() {
			return this.manualMinInterval;
		}

		public void setManualMinInterval(Duration manualMinInterval) {
			this.manualMinInterval = manualMinInterval;
		}

		RefreshSettings toSettings() {
			return new RefreshSettings(this.beforeExpiry, this.jitter, this.fetchTimeout, this.defaultLifetime,
					this.minInterval,
					new RefreshSettings.Retry(this.retry.maxAttempts, this.retry.initialInterval, this.retry.multiplier,
							this.retry.maxInterval),
					new RefreshSettings.Lockout(this.lockout.maxConsecutiveRejections, this.lockout.pause,
							this.lockout.maxPause),
					this.mode, this.manualMinInterval);
		}

	}

	/**
	 * Retries of a failed fetch: exponential backoff with jitter.
	 */
	public static class Retry {

		/**
		 * Attempts per refresh, the first included.
		 */
		private int maxAttempts = 5;

		/**
		 * Wait before the second attempt.
		 */
		@DurationUnit(java.time.temporal.ChronoUnit.MILLIS)
		private Duration initialInterval = Duration.ofMillis(200);

		/**
		 * Factor applied to the wait after each attempt.
		 */
		private double multiplier = 2.0;

		/**
		 * Longest wait between attempts; also the pause after a refresh that failed every
		 * attempt before the next refresh.
		 */
		private Duration maxInterval = Duration.ofSeconds(10);

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Duration getInitialInterval() {
			return this.initialInterval;
		}

		public void setInitialInterval(Duration initialInterval) {
			this.initialInterval = initialInterval;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

		public Duration getMaxInterval() {
			return this.maxInterval;
		}

		public void setMaxInterval(Duration maxInterval) {
			this.maxInterval = maxInterval;
		}

	}

	/**
	 * The account-lockout guard: pauses logins after repeated rejections, so a pool does not
	 * lock the account by retrying a rejected password.
	 */
	public static class Lockout {

		/**
		 * Rejected logins in a row, with credentials that never logged in, after which no
		 * credential is handed to the pool for a pause (so no login reaches the database).
		 * Each further rejection starts the next pause. 0 turns the guard off.
		 */
		private int maxConsecutiveRejections = 3;

		/**
		 * The first pause. Each further pause in the same run of rejections doubles it.
		 */
		private Duration pause = Duration.ofSeconds(30);

		/**
		 * The longest pause.
		 */
		private Duration maxPause = Duration.ofMinutes(5);

		public int getMaxConsecutiveRejections() {
			return this.maxConsecutiveRejections;
		}

		public void setMaxConsecutiveRejections(int maxConsecutiveRejections) {
			this.maxConsecutiveRejections = maxConsecutiveRejections;
		}

		public Duration getPause() {
			return this.pause;
		}

		public void setPause(Duration pause) {
			this.pause = pause;
		}

		public Duration getMaxPause() {
			return this.maxPause;
		}

		public void setMaxPause(Duration maxPause) {
			this.maxPause = maxPause;
		}

	}

}
