package io.github.refreshingdatasource.sample;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.sample.issuer.Audience;
import io.github.refreshingdatasource.sample.issuer.CredentialPublisher;

/**
 * A second publisher next to the credential file: remembers every credential the demo
 * issuer hands out, so tests can log in with an old one and search every output for all
 * of them.
 */
final class RecordedSecrets implements CredentialPublisher {

	private final List<DbCredential> issued = new CopyOnWriteArrayList<>();

	@Override
	public void publish(Audience audience, DbCredential credential) {
		this.issued.add(credential);
	}

	List<DbCredential> all() {
		return List.copyOf(this.issued);
	}

	DbCredential latest() {
		return this.issued.get(this.issued.size() - 1);
	}

}
