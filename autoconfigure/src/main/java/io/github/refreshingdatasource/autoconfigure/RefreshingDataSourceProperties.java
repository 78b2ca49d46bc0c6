package io.github.refreshingdatasource.autoconfigure;

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

	public Map<String, CredentialProperties> getDatasources() {
		return this.datasources;
	}

	public void setDatasources(Map<String, CredentialProperties> datasources) {
		this.datasources = datasources;
	}

}
