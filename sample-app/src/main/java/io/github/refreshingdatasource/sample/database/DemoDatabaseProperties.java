package io.github.refreshingdatasource.sample.database;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Administrator login for a database of your own, used by the demo issuer to create its
 * roles and schema and to set their passwords. Not needed with the embedded PostgreSQL.
 */
@ConfigurationProperties("demo.database")
class DemoDatabaseProperties {

	/**
	 * Role allowed to create roles (CREATEROLE) and tables, for the demo issuer.
	 */
	private String adminUsername = "";

	/**
	 * Password of the administrator role.
	 */
	private String adminPassword = "";

	String getAdminUsername() {
		return this.adminUsername;
	}

	void setAdminUsername(String adminUsername) {
		this.adminUsername = adminUsername;
	}

	String getAdminPassword() {
		return this.adminPassword;
	}

	void setAdminPassword(String adminPassword) {
		this.adminPassword = adminPassword;
	}

	@Override
	public String toString() {
		return "DemoDatabaseProperties[adminUsername=" + this.adminUsername + "]";
	}

}
