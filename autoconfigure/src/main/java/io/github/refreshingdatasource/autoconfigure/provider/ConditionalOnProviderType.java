package io.github.refreshingdatasource.autoconfigure.provider;

import io.github.refreshingdatasource.autoconfigure.ProviderType;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Conditional;

/**
 * Matches when a {@link ProviderType} is chosen for at least one DataSource, at the top
 * level or in a per-bean override.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
@Documented
@Conditional(ProviderTypeCondition.class)
public @interface ConditionalOnProviderType {

	/**
	 * The provider type.
	 * @return the type
	 */
	ProviderType value();

}
