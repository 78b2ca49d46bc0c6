package io.github.refreshingdatasource.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;

import io.github.refreshingdatasource.credentials.provider.file.FileCredentialProvider;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@code file} provider: a credential file written by Vault Agent, a Kubernetes secret
 * mount or any rotator, re-read when it changes.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProviderType(ProviderType.FILE)
class FileProviderConfiguration {

	private static final Log logger = LogFactory.getLog(FileProviderConfiguration.class);

	@Bean
	CredentialProviderFactory fileCredentialProviderFactory() {
		return new ProviderFactory(ProviderType.FILE, (dataSourceName, properties) -> {
			CredentialProperties.File settings = properties.getProvider().getFile();
			Path path = settings.getPath();
			if (path == null) {
				throw ProviderFactory.missing(dataSourceName, "provider.file.path",
						"the file provider needs the path of the credential file");
			}
			if (!Files.isDirectory(path.toAbsolutePath().getParent())) {
				throw new RefreshingDataSourceConfigurationException("DataSource '" + dataSourceName
						+ "': the directory of the credential file " + path + " does not exist.",
						"Check refreshing.datasource.provider.file.path, and that the volume or agent that writes "
								+ "the file is mounted before the application starts.");
			}
			if (!Files.exists(path)) {
				// The writer (Vault Agent, a sidecar) may start after the application: the cache
				// retries and the file is watched.
				logger.warn("DataSource '" + dataSourceName + "': credential file " + path
						+ " does not exist yet; waiting for it");
			}
			return new FileCredentialProvider(path, settings.getPasswordField(), settings.getUsernameField(),
					settings.getExpiresAtField());
		});
	}

}
