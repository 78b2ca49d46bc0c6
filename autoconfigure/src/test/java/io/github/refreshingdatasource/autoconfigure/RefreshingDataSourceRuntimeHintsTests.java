package io.github.refreshingdatasource.autoconfigure;

import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.lang.reflect.Method;
import java.util.LinkedHashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's runtime hints, checked with {@link RuntimeHintsPredicates} as a native image
 * would use them: registered through {@code aot.factories}, and covering every type and
 * setter the per-DataSource {@code Binder} reaches, however the properties tree grows.
 */
class RefreshingDataSourceRuntimeHintsTests {

	private final RuntimeHints hints = registeredHints();

	@Test
	void registrarIsListedInAotFactories() {
		assertThat(SpringFactoriesLoader.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class)).hasAtLeastOneElementOfType(RefreshingDataSourceRuntimeHints.class);
	}

	@Test
	void everyTypeAndSetterTheBinderReachesIsRegistered() throws Exception {
		Set<Class<?>> beans = propertyBeans(CredentialProperties.class, new LinkedHashSet<>());
		for (Class<?> settings : RefreshingDataSourceRuntimeHints.providerSettingsTypes(getClass().getClassLoader())) {
			propertyBeans(settings, beans);
		}
		// The tree as it stands: the root, provider, the refresh groups and every provider's settings.
		assertThat(beans).contains(CredentialProperties.class, CredentialProperties.Provider.class,
				RefreshProperties.class, RefreshProperties.Retry.class, RefreshProperties.Lockout.class,
				io.github.refreshingdatasource.autoconfigure.provider.file.FileProviderSettings.class,
				io.github.refreshingdatasource.autoconfigure.provider.azure.AzureProviderSettings.class);
		assertThat(RefreshingDataSourceRuntimeHints.providerSettingsTypes(getClass().getClassLoader()))
			.hasSize(ProviderType.values().length);
		for (Class<?> bean : beans) {
			assertThat(RuntimeHintsPredicates.reflection().onConstructorInvocation(bean.getDeclaredConstructor()))
				.as("constructor of %s", bean.getName())
				.accepts(this.hints);
			for (PropertyDescriptor property : Introspector.getBeanInfo(bean).getPropertyDescriptors()) {
				Method setter = property.getWriteMethod();
				if (setter != null) {
					assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(setter))
						.as("setter %s.%s", bean.getSimpleName(), setter.getName())
						.accepts(this.hints);
				}
				Method getter = property.getReadMethod();
				if (getter != null && !getter.getDeclaringClass().equals(Object.class)) {
					assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(getter))
						.as("getter %s.%s", bean.getSimpleName(), getter.getName())
						.accepts(this.hints);
				}
			}
		}
	}

	@Test
	void classesCheckedByNameAreRegisteredAndExist() {
		for (String name : RefreshingDataSourceRuntimeHints.CHECKED_BY_NAME) {
			// A typo or a class moved by a new Boot or driver version would silently drop the hint.
			assertThat(ClassUtils.isPresent(name, getClass().getClassLoader())).as(name).isTrue();
			assertThat(RuntimeHintsPredicates.reflection().onType(TypeReference.of(name))).as(name)
				.accepts(this.hints);
		}
	}

	@Test
	void driverOnTheClasspathCanBeInstantiatedByName() {
		assertThat(RuntimeHintsPredicates.reflection()
			.onType(org.postgresql.Driver.class)
			.withMemberCategory(MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS)).accepts(this.hints);
	}

	@Test
	void absentDriverIsNotRegistered() {
		assertThat(ClassUtils.isPresent("com.mysql.cj.jdbc.Driver", getClass().getClassLoader())).isFalse();
		assertThat(RuntimeHintsPredicates.reflection().onType(TypeReference.of("com.mysql.cj.jdbc.Driver")))
			.rejects(this.hints);
	}

	private static RuntimeHints registeredHints() {
		RuntimeHints hints = new RuntimeHints();
		new RefreshingDataSourceRuntimeHints().registerHints(hints, RefreshingDataSourceRuntimeHintsTests.class.getClassLoader());
		return hints;
	}

	/** The JavaBean types reachable from the root through getters, as the Binder walks them. */
	private static Set<Class<?>> propertyBeans(Class<?> type, Set<Class<?>> found) throws Exception {
		if (!found.add(type)) {
			return found;
		}
		for (PropertyDescriptor property : Introspector.getBeanInfo(type).getPropertyDescriptors()) {
			Class<?> propertyType = property.getPropertyType();
			if (propertyType != null && propertyType.getName().startsWith("io.github.refreshingdatasource")
					&& !propertyType.isEnum()) {
				propertyBeans(propertyType, found);
			}
		}
		return found;
	}

}
