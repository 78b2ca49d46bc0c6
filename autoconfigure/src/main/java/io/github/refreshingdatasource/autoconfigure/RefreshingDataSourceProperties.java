package io.github.refreshingdatasource.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of rotating DataSource credentials. The settings here apply to every
 * DataSource bean; {@code datasources.<bean-name>} overrides any of them for one bean.
 */
@ConfigurationProperties("refreshing.datasource")
public class RefreshingDataSourceProperties extends CredentialProperties {

	/**
	 * Per-DataSource overrides, by DataSource bean name. Any top-level setting may be
	 * overridden; 'enabled: false' leaves that DataSource alone.
	 */
	private Map<String, CredentialProperties> datasources = new LinkedHashMap<>();

	private final Health health = new Health();

	public Map<String, CredentialProperties> getDatasources() {
		return this.datasources;
	}

	public void setDatasources(Map<String, CredentialProperties> datasources) {
		this.datasources = datasources;
	}

	public Health getHealth() {
		return this.health;
	}

	/**
	 * The 'dbcredentials' health indicator, for every DataSource.
	 */
	public static class Health {

		/**
		 * Time before a credential's expiry from which the health indicator adds a warning
		 * while no refresh has replaced it. Keep it below refresh.before-expiry, which is
		 * when a healthy schedule replaces a short-lived credential.
		 */
		private Duration warnBeforeExpiry = Duration.ofMinutes(2);

		public Duration getWarnBeforeExpiry() {
			return this.warnBeforeExpiry;
		}

		public void setWarnBeforeExpiry(Duration warnBeforeExpiry) {
			this.warnBeforeExpiry = warnBeforeExpiry;
		}

	}

}
