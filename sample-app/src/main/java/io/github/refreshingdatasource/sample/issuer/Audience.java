package io.github.refreshingdatasource.sample.issuer;

import java.util.List;

/**
 * Who the demo issuer issues credentials for: each audience has a group role the schema
 * grants to and two login roles that take turns, so issuing a credential never touches the
 * one still in use.
 */
public enum Audience {

	/** The application's DataSource: reads and transfers, through the {@code file} provider. */
	APP("demo_app", List.of("demo_app_blue", "demo_app_green")),

	/** The reporting DataSource: reads only, through the {@code command} provider. */
	REPORTING("demo_reporting", List.of("demo_reporting_blue", "demo_reporting_green"));

	private final String groupRole;

	private final List<String> loginRoles;

	Audience(String groupRole, List<String> loginRoles) {
		this.groupRole = groupRole;
		this.loginRoles = loginRoles;
	}

	/**
	 * The role the schema grants this audience's privileges to.
	 * @return the group role
	 */
	public String groupRole() {
		return this.groupRole;
	}

	/**
	 * The login roles the issuer alternates between, members of the group role.
	 * @return the login roles
	 */
	public List<String> loginRoles() {
		return this.loginRoles;
	}

}
