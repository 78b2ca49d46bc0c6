package io.github.refreshingdatasource.jdbc;

import java.util.Locale;
import java.util.Properties;

import org.jspecify.annotations.Nullable;

/**
 * Tells whether a JDBC connection is guaranteed to use TLS, judging from its URL and driver
 * properties. A bearer token used as the password is sent to the server as it is, so
 * anyone on the path of a plaintext (or optionally encrypted) connection can replay it.
 * <p>
 * Insecure: PostgreSQL {@code sslmode=disable|allow|prefer}, or no {@code sslmode} (which
 * means {@code prefer}) unless {@code ssl=true}; MySQL {@code sslMode=DISABLED|PREFERRED},
 * {@code useSSL=false}, or no {@code sslMode} (which means {@code PREFERRED}) unless
 * {@code requireSSL=true}; MariaDB {@code sslMode=disable}, or none (its default) unless
 * {@code useSsl=true}; SQL Server {@code encrypt=false|no|optional} (without it, mssql-jdbc
 * encrypts). Other databases are not judged.
 */
public final class TransportSecurity {

	private TransportSecurity() {
	}

	/**
	 * Why the connection may run without TLS.
	 * @param jdbcUrl the JDBC URL
	 * @param dataSourceProperties the driver properties, which may set the same parameters
	 * @return the reason, naming the setting (never the URL, which may hold a password), or
	 * {@code null} when TLS is required or the database is not known
	 */
	public static @Nullable String insecureReason(@Nullable String jdbcUrl, Properties dataSourceProperties) {
		JdbcUrl url = JdbcUrl.parse(jdbcUrl);
		return switch (url.vendor()) {
			case POSTGRESQL -> postgresql(url, dataSourceProperties);
			case MYSQL -> mysql(url, dataSourceProperties);
			case MARIADB -> mariadb(url, dataSourceProperties);
			case SQLSERVER -> sqlServer(url, dataSourceProperties);
			case OTHER -> null;
		};
	}

	private static @Nullable String postgresql(JdbcUrl url, Properties properties) {
		String sslmode = setting(url, properties, "sslmode");
		if (sslmode == null) {
			return "true".equalsIgnoreCase(setting(url, properties, "ssl")) ? null
					: "sslmode is not set, which means sslmode=prefer (TLS optional)";
		}
		return switch (sslmode.toLowerCase(Locale.ROOT)) {
			case "disable", "allow", "prefer" -> "sslmode=" + sslmode;
			default -> null;
		};
	}

	private static @Nullable String mysql(JdbcUrl url, Properties properties) {
		String sslMode = setting(url, properties, "sslMode");
		if (sslMode == null) {
			if ("false".equalsIgnoreCase(setting(url, properties, "useSSL"))) {
				return "useSSL=false";
			}
			return "true".equalsIgnoreCase(setting(url, properties, "requireSSL")) ? null
					: "sslMode is not set, which means sslMode=PREFERRED (TLS optional)";
		}
		return switch (sslMode.toUpperCase(Locale.ROOT)) {
			case "DISABLED", "PREFERRED" -> "sslMode=" + sslMode;
			default -> null;
		};
	}

	private static @Nullable String mariadb(JdbcUrl url, Properties properties) {
		String sslMode = setting(url, properties, "sslMode");
		if (sslMode == null) {
			return "true".equalsIgnoreCase(setting(url, properties, "useSsl")) ? null
					: "sslMode is not set, which means sslMode=disable";
		}
		return "disable".equalsIgnoreCase(sslMode) ? "sslMode=" + sslMode : null;
	}

	private static @Nullable String sqlServer(JdbcUrl url, Properties properties) {
		String encrypt = setting(url, properties, "encrypt");
		if (encrypt == null) {
			// mssql-jdbc 10.2 and later encrypt by default.
			return null;
		}
		return switch (encrypt.toLowerCase(Locale.ROOT)) {
			case "false", "no", "optional" -> "encrypt=" + encrypt;
			default -> null;
		};
	}

	private static @Nullable String setting(JdbcUrl url, Properties properties, String name) {
		String value = url.parameter(name);
		if (value != null) {
			return value;
		}
		for (String key : properties.stringPropertyNames()) {
			if (key.equalsIgnoreCase(name)) {
				return properties.getProperty(key);
			}
		}
		return null;
	}

}
