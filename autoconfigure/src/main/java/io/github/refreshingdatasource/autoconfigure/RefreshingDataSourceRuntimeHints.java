package io.github.refreshingdatasource.autoconfigure;

import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;

import io.github.refreshingdatasource.autoconfigure.provider.CredentialProviderFactory;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.boot.context.properties.bind.BindableRuntimeHintsRegistrar;
import org.springframework.util.ClassUtils;

/**
 * What a native image needs to know about the starter, which Spring AOT cannot see in the
 * bean definitions: everything the starter binds, reflects on or loads by name at run time.
 * The one place for such hints (registered in {@code META-INF/spring/aot.factories}); a new
 * provider needs nothing here: its settings type is found through its {@link ProviderType}.
 * <ul>
 * <li>{@link CredentialProperties} and each provider's settings type (the type argument of
 * the {@code CredentialProviderFactory} its configuration class declares), bound per
 * DataSource with a {@code Binder} rather than as {@code @ConfigurationProperties} beans,
 * with every nested type they hold;</li>
 * <li>the JDBC driver a HikariCP pool names in {@code driver-class-name}, which the binding
 * loads by name to open connections itself: the drivers whose login rejections the starter
 * recognizes, when present;</li>
 * <li>optional classes whose presence is checked by name: Spring Boot's
 * {@code JdbcConnectionDetails} (service connections) and mssql-jdbc's access-token
 * callback (Azure SQL).</li>
 * </ul>
 * The credential JSON of files, programs and token endpoints is read as a tree, not bound to
 * classes, so it needs no hint.
 */
class RefreshingDataSourceRuntimeHints implements RuntimeHintsRegistrar {

	/** Loaded by name with {@code ClassUtils.isPresent}. */
	static final List<String> CHECKED_BY_NAME = List.of("org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails",
			"com.microsoft.sqlserver.jdbc.SQLServerAccessTokenCallback");

	/** Loaded by name and instantiated when a pool sets {@code driver-class-name}. */
	static final List<String> DRIVERS = List.of("org.postgresql.Driver", "com.mysql.cj.jdbc.Driver",
			"org.mariadb.jdbc.Driver", "com.microsoft.sqlserver.jdbc.SQLServerDriver", "oracle.jdbc.OracleDriver");

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		List<Class<?>> bound = new ArrayList<>(List.of(CredentialProperties.class));
		bound.addAll(providerSettingsTypes(classLoader));
		BindableRuntimeHintsRegistrar.forTypes(bound).registerHints(hints, classLoader);
		for (String name : CHECKED_BY_NAME) {
			hints.reflection().registerTypeIfPresent(classLoader, name);
		}
		for (String name : DRIVERS) {
			hints.reflection()
				.registerTypeIfPresent(classLoader, name, MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS);
		}
		// Read by coordination.jdbc.initialize-schema.
		hints.resources().registerPattern(COORDINATION_SCHEMA);
	}

	static final String COORDINATION_SCHEMA = "io/github/refreshingdatasource/coordination/jdbc/schema-postgresql.sql";

	/**
	 * The settings types of the providers whose configuration classes load: a provider whose
	 * optional SDK is absent cannot be chosen, so it needs no hint.
	 */
	static List<Class<?>> providerSettingsTypes(@Nullable ClassLoader classLoader) {
		List<Class<?>> types = new ArrayList<>();
		for (ProviderType type : ProviderType.values()) {
			try {
				Class<?> configuration = ClassUtils.forName(type.configurationClass(), classLoader);
				for (Method method : configuration.getDeclaredMethods()) {
					if (CredentialProviderFactory.class.isAssignableFrom(method.getReturnType())
							&& method.getGenericReturnType() instanceof ParameterizedType factory) {
						Type settings = factory.getActualTypeArguments()[0];
						if (settings instanceof Class<?> settingsClass) {
							types.add(settingsClass);
						}
					}
				}
			}
			catch (ClassNotFoundException | LinkageError ex) {
				// Its SDK is not on the classpath.
			}
		}
		return types;
	}

}
