package io.github.refreshingdatasource.autoconfigure;

import java.util.List;

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
 * provider's settings class is found through its {@link ProviderType}, so it needs nothing here.
 * <ul>
 * <li>{@link CredentialProperties}, bound per DataSource with a {@code Binder} rather than
 * as a {@code @ConfigurationProperties} bean, with every nested type and enum (provider
 * types, refresh modes, grant types) it holds;</li>
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
		BindableRuntimeHintsRegistrar.forTypes(CredentialProperties.class).registerHints(hints, classLoader);
		for (ProviderType type : ProviderType.values()) {
			// Present only with the provider's optional SDK on the classpath.
			if (ClassUtils.isPresent(type.settingsClass(), classLoader)) {
				BindableRuntimeHintsRegistrar.forTypes(ClassUtils.resolveClassName(type.settingsClass(), classLoader))
					.registerHints(hints, classLoader);
			}
		}
		for (String name : CHECKED_BY_NAME) {
			hints.reflection().registerTypeIfPresent(classLoader, name);
		}
		for (String name : DRIVERS) {
			hints.reflection()
				.registerTypeIfPresent(classLoader, name, MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS);
		}
	}

}
