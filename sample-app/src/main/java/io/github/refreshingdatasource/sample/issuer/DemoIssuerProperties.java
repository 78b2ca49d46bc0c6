package io.github.refreshingdatasource.sample.issuer;

import java.nio.file.Path;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The demo credential issuer.
 */
@ConfigurationProperties("demo.issuer")
class DemoIssuerProperties {

	/**
	 * Whether to run the demo issuer (needs administrator access to the database). Turn it
	 * off when a real credential source is configured.
	 */
	private boolean enabled = true;

	/**
	 * How often a fresh credential is issued.
	 */
	private Duration lifetime = Duration.ofSeconds(60);

	/**
	 * How long a credential stays accepted after the next one is due, so the starter has
	 * time to switch. A credential is valid for lifetime plus grace.
	 */
	private Duration grace = Duration.ofSeconds(10);

	/**
	 * How long "break the token source" lasts: no credential is issued and the credential
	 * file holds an error instead.
	 */
	private Duration outage = Duration.ofSeconds(60);

	/**
	 * The credential file the issuer writes and the starter's file provider reads. A fresh
	 * temporary directory, removed on exit, when not set.
	 */
	private @Nullable Path credentialFile;

	boolean isEnabled() {
		return this.enabled;
	}

	void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	Duration getLifetime() {
		return this.lifetime;
	}

	void setLifetime(Duration lifetime) {
		this.lifetime = lifetime;
	}

	Duration getGrace() {
		return this.grace;
	}

	void setGrace(Duration grace) {
		this.grace = grace;
	}

	Duration getOutage() {
		return this.outage;
	}

	void setOutage(Duration outage) {
		this.outage = outage;
	}

	@Nullable Path getCredentialFile() {
		return this.credentialFile;
	}

	void setCredentialFile(@Nullable Path credentialFile) {
		this.credentialFile = credentialFile;
	}

}
