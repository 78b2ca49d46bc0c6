package io.github.refreshingdatasource.autoconfigure;

import java.util.Arrays;

import org.springframework.context.annotation.ImportSelector;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Imports the configuration class of every {@link ProviderType}, like Spring Boot's
 * {@code CacheConfigurationImportSelector}: each one's own conditions decide whether it
 * applies, so the enum is the only list of providers.
 */
final class ProviderConfigurations implements ImportSelector {

	@Override
	public String[] selectImports(AnnotationMetadata importingClassMetadata) {
		return Arrays.stream(ProviderType.values()).map(ProviderType::configurationClass).toArray(String[]::new);
	}

}
