package io.github.refreshingdatasource.autoconfigure.provider;

import io.github.refreshingdatasource.autoconfigure.CredentialProperties;
import io.github.refreshingdatasource.autoconfigure.ProviderType;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The condition behind {@link ConditionalOnProviderType}. A missing top-level type counts as
 * {@link ProviderType#BEAN}: a single CredentialProvider bean is then used.
 */
final class ProviderTypeCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Map<String, Object> attributes = metadata.getAnnotationAttributes(ConditionalOnProviderType.class.getName());
		ProviderType type = (ProviderType) attributes.get("value");
		Set<ProviderType> used = usedTypes(Binder.get(context.getEnvironment()));
		if (used.contains(type)) {
			return ConditionOutcome.match("provider type " + type.value() + " is configured");
		}
		return ConditionOutcome.noMatch("provider type " + type.value() + " is not configured (configured: " + used + ")");
	}

	static Set<ProviderType> usedTypes(Binder binder) {
		ProviderType topLevel = binder
			.bind("refreshing.datasource.provider.type", Bindable.of(ProviderType.class))
			.orElse(ProviderType.BEAN);
		Map<String, CredentialProperties> overrides = binder
			.bind("refreshing.datasource.datasources",
					Bindable.mapOf(String.class, CredentialProperties.class))
			.orElse(Collections.emptyMap());
		return Stream
			.concat(Stream.of(topLevel),
					overrides.values().stream().map((override) -> override.getProvider().getType()))
			.filter((type) -> type != null)
			.collect(Collectors.toSet());
	}

}
