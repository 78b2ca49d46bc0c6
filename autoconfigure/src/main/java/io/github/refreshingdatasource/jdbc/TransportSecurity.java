package io.github.refreshingdatasource.jdbc;

import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import org.jspecify.annotations.Nullable;

/**
 * Judges whether a JDBC connection will use TLS that verifies the server, from its URL and
 * driver properties, resolved as each driver resolves them. A bearer token used as the
 * password is sent to the server as it is, so anyone on the path of a plaintext connection,
 * or of an encrypted one that does not verify the server (an active man in the middle),
 * can replay it.
 * <p>
 * The rules, one per driver (checked against each driver's own parser in the tests):
 * <ul>
 * <li>PostgreSQL (pgjdbc): names are case-sensitive ({@code SSLMODE} is ignored), the URL
 * wins over driver properties, the last of repeated names wins. No {@code sslmode} means
 * {@code prefer}, unless {@code ssl=true} (or a bare {@code ssl}), which means
 * {@code verify-full}. {@code disable|allow|prefer}: no TLS guaranteed;
 * {@code require|verify-ca}, or {@code sslfactory=...NonValidatingFactory}: not verified;
 * {@code verify-full}: verified.</li>
 * <li>MySQL Connector/J (also {@code mysql+srv:}): names are case-sensitive, driver
 * properties win over the URL, an empty value sets nothing. No {@code sslMode} means
 * {@code DISABLED} with {@code useSSL=false}, {@code REQUIRED} (or {@code VERIFY_CA} with
 * {@code verifyServerCertificate=true}) with {@code requireSSL=true}, else
 * {@code PREFERRED}. {@code DISABLED|PREFERRED}: no TLS guaranteed;
 * {@code REQUIRED|VERIFY_CA}: not verified; {@code VERIFY_IDENTITY}: verified. Per-host
 * properties ({@code (host=...,sslMode=...)}) are not judged.</li>
 * <li>MariaDB Connector/J: {@code sslMode} is case-insensitive, the URL wins, the last
 * wins. No {@code sslMode} means {@code disable}, unless {@code useSsl=true}
 * ({@code trust} with {@code trustServerCertificate=true}, else {@code verify-full}).
 * {@code disable}: no TLS; {@code trust|verify-ca}: not verified; {@code verify-full}:
 * verified.</li>
 * <li>SQL Server (mssql-jdbc): names are case-insensitive, driver properties win, the last
 * wins. No {@code encrypt} means {@code true}. {@code false|no|optional}: no TLS
 * guaranteed; {@code true|yes|mandatory} with {@code trustServerCertificate=true}: not
 * verified; {@code strict}, or {@code true} without it: verified.</li>
 * </ul>
 * Any other database, a value the driver does not know, or no URL at all is
 * {@link Level#UNKNOWN}.
 */
public final class TransportSecurity {

	private static final String NON_VALIDATING_FACTORY = "org.postgresql.ssl.NonValidatingFactory";

	private TransportSecurity() {
	}

	/**
	 * Judge a connection.
	 * @param jdbcUrl the JDBC URL
	 * @param dataSourceProperties the driver properties, which may set the same parameters
	 * @return the verdict; its reason names the setting, never the URL (which may hold a
	 * password)
	 */
	public static Verdict judge(@Nullable String jdbcUrl, Properties dataSourceProperties) {
		JdbcUrl url = JdbcUrl.parse(jdbcUrl);
		return switch (url.vendor()) {
			case POSTGRESQL -> postgresql(url, dataSourceProperties);
			case MYSQL -> mysql(url, dataSourceProperties);
			case MARIADB -> mariadb(url, dataSourceProperties);
			case SQLSERVER -> sqlServer(url, dataSourceProperties);
			case OTHER -> Verdict.unknown((jdbcUrl != null) ? "the JDBC URL names a database whose TLS settings are not "
					+ "judged (PostgreSQL, MySQL, MariaDB and SQL Server are)" : "no JDBC URL is known");
		};
	}

	private static Verdict postgresql(JdbcUrl url, Properties properties) {
		Settings settings = new Settings(url, properties, true, false);
		String recommendation = "sslmode=verify-full";
		String sslmode = settings.get("sslmode");
		if (sslmode == null) {
			String ssl = settings.get("ssl");
			if (ssl == null || !(ssl.isEmpty() || ssl.equalsIgnoreCase("true"))) {
				return Verdict.insecure("sslmode is not set, which means sslmode=prefer (TLS optional)", recommendation);
			}
			sslmode = "verify-full";
		}
		Verdict verdict = switch (sslmode.toLowerCase(Locale.ROOT)) {
			case "disable", "allow", "prefer" -> Verdict.insecure("sslmode=" + sslmode, recommendation);
			case "require" -> Verdict.unverified("sslmode=" + sslmode + " encrypts but verifies no certificate",
					recommendation);
			case "verify-ca" -> Verdict.unverified("sslmode=" + sslmode + " verifies the certificate but not that it "
					+ "names the server", recommendation);
			case "verify-full" -> Verdict.VERIFIED;
			default -> Verdict.insecure("sslmode=" + sslmode + " is no mode pgjdbc knows", recommendation);
		};
		if (verdict.level() == Level.VERIFIED && NON_VALIDATING_FACTORY.equals(settings.get("sslfactory"))) {
			return Verdict.unverified("sslfactory=" + NON_VALIDATING_FACTORY + " accepts any certificate",
					recommendation + " with the default sslfactory");
		}
		return verdict;
	}

	private static Verdict mysql(JdbcUrl url, Properties properties) {
		String recommendation = "sslMode=VERIFY_IDENTITY";
		if (url.hasHostProperties()) {
			return Verdict.unknown("the URL sets properties per host ((host=...,key=value)), which are not judged");
		}
		Settings settings = new Settings(url, properties, true, true);
		String sslMode = settings.get("sslMode");
		if (sslMode == null) {
			if ("false".equalsIgnoreCase(settings.get("useSSL"))) {
				return Verdict.insecure("useSSL=false", recommendation);
			}
			if (!"true".equalsIgnoreCase(settings.get("requireSSL"))) {
				return Verdict.insecure("sslMode is not set, which means sslMode=PREFERRED (TLS optional)",
						recommendation);
			}
			sslMode = "true".equalsIgnoreCase(settings.get("verifyServerCertificate")) ? "VERIFY_CA" : "REQUIRED";
		}
		return switch (sslMode.toUpperCase(Locale.ROOT)) {
			case "DISABLED", "PREFERRED" -> Verdict.insecure("sslMode=" + sslMode, recommendation);
			case "REQUIRED" -> Verdict.unverified("sslMode=" + sslMode + " encrypts but verifies no certificate",
					recommendation);
			case "VERIFY_CA" -> Verdict.unverified("sslMode=" + sslMode + " verifies the certificate but not that it "
					+ "names the server", recommendation);
			case "VERIFY_IDENTITY" -> Verdict.VERIFIED;
			default -> Verdict.insecure("sslMode=" + sslMode + " is no mode Connector/J knows", recommendation);
		};
	}

	private static Verdict mariadb(JdbcUrl url, Properties properties) {
		String recommendation = "sslMode=verify-full";
		Settings settings = new Settings(url, properties, false, false);
		String sslMode = settings.get("sslMode");
		if (sslMode == null) {
			// The legacy options are case-sensitive, unlike sslMode.
			Settings legacy = new Settings(url, properties, true, false);
			if (!"true".equalsIgnoreCase(legacy.get("useSsl"))) {
				return Verdict.insecure("sslMode is not set, which means sslMode=disable", recommendation);
			}
			sslMode = "true".equalsIgnoreCase(legacy.get("trustServerCertificate")) ? "trust" : "verify-full";
		}
		return switch (sslMode.toLowerCase(Locale.ROOT)) {
			case "disable" -> Verdict.insecure("sslMode=" + sslMode, recommendation);
			case "trust" -> Verdict.unverified("sslMode=" + sslMode + " encrypts but verifies no certificate",
					recommendation);
			case "verify-ca" -> Verdict.unverified("sslMode=" + sslMode + " verifies the certificate but not that it "
					+ "names the server", recommendation);
			case "verify-full" -> Verdict.VERIFIED;
			default -> Verdict.insecure("sslMode=" + sslMode + " is no mode judged here", recommendation);
		};
	}

	private static Verdict sqlServer(JdbcUrl url, Properties properties) {
		String recommendation = "encrypt=strict, or encrypt=true with trustServerCertificate=false";
		Settings settings = new Settings(url, properties, false, true);
		String encrypt = settings.get("encrypt");
		// mssql-jdbc 10.2 and later encrypt by default.
		String mode = (encrypt != null) ? unbrace(encrypt).toLowerCase(Locale.ROOT) : "true";
		return switch (mode) {
			case "false", "no", "optional" -> Verdict.insecure("encrypt=" + encrypt, recommendation);
			case "strict" -> Verdict.VERIFIED;
			case "true", "yes", "mandatory" -> {
				String trust = settings.get("trustServerCertificate");
				yield (trust != null && unbrace(trust).equalsIgnoreCase("true"))
						? Verdict.unverified("trustServerCertificate=true accepts any certificate", recommendation)
						: Verdict.VERIFIED;
			}
			default -> Verdict.insecure("encrypt=" + encrypt + " is no mode mssql-jdbc knows", recommendation);
		};
	}

	private static String unbrace(String value) {
		return (value.startsWith("{") && value.endsWith("}")) ? value.substring(1, value.length() - 1) : value;
	}

	/** A driver's view of one setting across the URL and its properties. */
	private static final class Settings {

		private final JdbcUrl url;

		private final Properties properties;

		private final boolean caseSensitive;

		private final boolean propertiesWin;

		Settings(JdbcUrl url, Properties properties, boolean caseSensitive, boolean propertiesWin) {
			this.url = url;
			this.properties = properties;
			this.caseSensitive = caseSensitive;
			this.propertiesWin = propertiesWin;
		}

		@Nullable String get(String name) {
			String fromUrl = null;
			for (Map.Entry<String, String> parameter : this.url.parameters()) {
				if (matches(parameter.getKey(), name)) {
					fromUrl = parameter.getValue();
				}
			}
			String fromProperties = null;
			for (String key : this.properties.stringPropertyNames()) {
				if (matches(key, name)) {
					fromProperties = this.properties.getProperty(key);
				}
			}
			String value = this.propertiesWin ? ((fromProperties != null) ? fromProperties : fromUrl)
					: ((fromUrl != null) ? fromUrl : fromProperties);
			// Connector/J sets nothing for an empty value; pgjdbc reads a bare "ssl" as true.
			return (value != null && value.isEmpty() && this.propertiesWin) ? null : value;
		}

		private boolean matches(String key, String name) {
			return this.caseSensitive ? key.equals(name) : key.equalsIgnoreCase(name);
		}

	}

	/** How far a connection protects what is sent over it. */
	public enum Level {

		/** TLS that verifies the server's certificate and name. */
		VERIFIED,

		/** TLS that verifies no certificate, or not the server's name: safe from eavesdroppers only. */
		UNVERIFIED,

		/** TLS is optional or off. */
		INSECURE,

		/** The driver or its settings are not known here. */
		UNKNOWN

	}

	/**
	 * A verdict on a connection.
	 * @param level how far the connection is protected
	 * @param reason why, naming the setting; {@code null} when verified
	 * @param recommendation the setting that makes it verified, if known
	 */
	public record Verdict(Level level, @Nullable String reason, @Nullable String recommendation) {

		static final Verdict VERIFIED = new Verdict(Level.VERIFIED, null, null);

		static Verdict unverified(String reason, String recommendation) {
			return new Verdict(Level.UNVERIFIED, reason, recommendation);
		}

		static Verdict insecure(String reason, String recommendation) {
			return new Verdict(Level.INSECURE, reason, recommendation);
		}

		static Verdict unknown(String reason) {
			return new Verdict(Level.UNKNOWN, reason, null);
		}

	}

}
