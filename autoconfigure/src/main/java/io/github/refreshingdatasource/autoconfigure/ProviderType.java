package io.github.refreshingdatasource.autoconfigure;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Where a DataSource's credentials come from: the values of
 * {@code refreshing.datasource.provider.type}.
 */
public enum ProviderType {

	/** A fixed username and password from configuration, for development. */
	STATIC(null),

	/** A file written by Vault Agent, a Kubernetes secret mount or any rotator; re-read when it changes. */
	FILE(null),

	/** The output of a program such as {@code az account get-access-token} or {@code aws rds generate-db-auth-token}. */
	COMMAND(null),

	/** An application bean implementing {@code CredentialProvider}. */
	BEAN(null);

	private final @Nullable String requiredDependency;

	ProviderType(@Nullable String requiredDependency) {
		this.requiredDependency = requiredDependency;
	}

	/**
	 * The value as written in properties and used as a metric tag.
	 * @return the lower-case, dashed name
	 */
	public String value() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	/**
	 * The Maven coordinates of the optional library this provider needs, if any.
	 * @return {@code groupId:artifactId}, or {@code null}
	 */
	public @Nullable String requiredDependency() {
		return this.requiredDependency;
	}

}
