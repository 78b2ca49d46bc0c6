package io.github.refreshingdatasource.autoconfigure.provider.file;

import java.nio.file.Files;
import java.nio.file.Path;

import io.github.refreshingdatasource.autoconfigure.ProviderType;
import io.github.refreshingdatasource.autoconfigure.provider.CredentialProviderFactory;
import io.github.refreshingdatasource.autoconfigure.provider.ProviderContext;
import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.provider.file.FileCredentialProvider;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Creates the {@code file} provider.
 */
final class FileProviderFactory implements CredentialProviderFactory<FileProviderSettings> {

	private static final Log logger = LogFactory.getLog(FileProviderFactory.class);

	@Override
	public ProviderType type() {
		return ProviderType.FILE;
	}

	@Override
	public Class<FileProviderSettings> settingsType() {
		return FileProviderSettings.class;
	}

	@Override
	public CredentialProvider create(ProviderContext context, FileProviderSettings settings) {
		Path path = settings.getPath();
		if (path == null) {
			throw context.missing("provider.file.path", "the file provider needs the path of the credential file");
		}
		if (!Files.isDirectory(path.toAbsolutePath().getParent())) {
			throw context.invalid("the directory of the credential file " + path + " does not exist.",
					"Check refreshing.datasource.provider.file.path, and that the volume or agent that writes "
							+ "the file is mounted before the application starts.");
		}
		if (!Files.exists(path)) {
			// The writer (Vault Agent, a sidecar) may start after the application: the cache
			// retries and the file is watched.
			logger.warn("DataSource '" + context.dataSourceName() + "': credential file " + path
					+ " does not exist yet; waiting for it");
		}
		return new FileCredentialProvider(path, settings.getPasswordField(), settings.getUsernameField(),
				settings.getExpiresAtField());
	}

	@Override
	public @Nullable String credentialSource(FileProviderSettings settings) {
		return (settings.getPath() != null) ? settings.getPath().toAbsolutePath().toString() : null;
	}

	@Override
	public String rejectionHint(@Nullable String source, @Nullable String username) {
		return "Check that the credential file " + ((source != null) ? source : "(not known)")
				+ " holds the current password of " + ((username != null) ? "'" + username + "'" : "the configured user")
				+ ": is the process that writes it (Vault Agent, the secret mount, the rotator) up to date, "
				+ "and was the role's password changed outside it?";
	}

}
