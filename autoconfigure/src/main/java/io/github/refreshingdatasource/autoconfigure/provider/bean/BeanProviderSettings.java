package io.github.refreshingdatasource.autoconfigure.provider.bean;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * An application bean implementing CredentialProvider.
 */
@ConfigurationProperties("refreshing.datasource.provider.bean")
public class BeanProviderSettings {

	/**
	 * Name of the CredentialProvider bean. When not set, the single CredentialProvider
	 * bean.
	 */
	private @Nullable String name;

	public @Nullable String getName() {
		return this.name;
	}

	public void setName(@Nullable String name) {
		this.name = name;
	}

}
