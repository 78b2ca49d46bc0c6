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
	 * How often fresh credentials are issued.
	 */
	private Duration lifetime = Duration.ofSeconds(60);

	/**
	 * How long a credential stays accepted after the next one is due, so the starter has
	 * time to switch. A credential is valid for lifetime plus grace.
	 */
	private Duration grace = Duration.ofSeconds(10);

	/**
	 * How long after "revoke" the replacements are published; meanwhile logins with what
	 * was published are rejected.
	 */
	private Duration revokeDelay = Duration.ofSeconds(3);

	/**
	 * How long "break the token source" lasts beyond the expiry of the credentials issued
	 * last, so that they are seen expired (the pools keep their connections, health is
	 * DOWN) before the source heals. Meanwhile no credential is issued and the files hold an
	 * error.
	 */
	private Duration outageAfterExpiry = Duration.ofSeconds(15);

	/**
	 * The credential file the issuer writes for the application and the starter's file
	 * provider reads. A fresh temporary directory, removed when the application stops, when
	 * not set.
	 */
	private @Nullable Path credentialFile;

	/**
	 * The file holding what a CLI would print for the reporting DataSource, which the
	 * starter's command provider runs 'cat' on. Next to credential-file when not set.
	 */
	private @Nullable Path reportingCredentialFile;

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

	Duration getRevokeDelay() {
		return this.revokeDelay;
	}

	void setRevokeDelay(Duration revokeDelay) {
		this.revokeDelay = revokeDelay;
	}

	Duration getOutageAfterExpiry() {
		return this.outageAfterExpiry;
	}

	void setOutageAfterExpiry(Duration outageAfterExpiry) {
		this.outageAfterExpiry = outageAfterExpiry;
	}

	@Nullable Path getCredentialFile() {
		return this.credentialFile;
	}

	void setCredentialFile(@Nullable Path credentialFile) {
		this.credentialFile = credentialFile;
	}

	@Nullable Path getReportingCredentialFile() {
		return this.reportingCredentialFile;
	}

	void setReportingCredentialFile(@Nullable Path reportingCredentialFile) {
		this.reportingCredentialFile = reportingCredentialFile;
	}

}
