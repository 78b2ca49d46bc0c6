package io.github.refreshingdatasource.jdbc;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The parts of a JDBC URL that token providers need: which database, the first host and
 * port, and the connection parameters as written (names in their own case, in order,
 * duplicates kept: {@link TransportSecurity} resolves them as each driver does).
 * Understands the PostgreSQL, MySQL (also {@code mysql+srv:}), MariaDB and SQL Server URL
 * forms, also behind the wrappers {@code aws-wrapper:}, {@code p6spy:} and {@code otel:};
 * for others only {@link #vendor()} is known.
 */
public final class JdbcUrl {

	/** The databases whose URLs are understood. */
	public enum Vendor {

		POSTGRESQL(5432), MYSQL(3306), MARIADB(3306), SQLSERVER(1433), OTHER(-1);

		private final int defaultPort;

		Vendor(int defaultPort) {
			this.defaultPort = defaultPort;
		}

		public int defaultPort() {
			return this.defaultPort;
		}

	}

	private final Vendor vendor;

	private final @Nullable String host;

	private final int port;

	/** Wrapping drivers that hand the rest of the URL to the database's own driver. */
	private static final List<String> WRAPPERS = List.of("aws-wrapper:", "p6spy:", "otel:");

	private final List<Map.Entry<String, String>> parameters;

	private final boolean hostProperties;

	private JdbcUrl(Vendor vendor, @Nullable String host, int port, List<Map.Entry<String, String>> parameters,
			boolean hostProperties) {
		this.vendor = vendor;
		this.host = host;
		this.port = port;
		this.parameters = List.copyOf(parameters);
		this.hostProperties = hostProperties;
	}

	/**
	 * Parse a JDBC URL.
	 * @param url the URL, e.g. {@code jdbc:postgresql://db.example:5432/app?sslmode=require}
	 * @return the parts; never fails, unknown parts are absent
	 */
	public static JdbcUrl parse(@Nullable String url) {
		if (url == null || !url.regionMatches(true, 0, "jdbc:", 0, 5)) {
			return new JdbcUrl(Vendor.OTHER, null, -1, List.of(), false);
		}
		String rest = unwrap(url.substring(5));
		int colon = rest.indexOf(':');
		String scheme = (colon > 0) ? rest.substring(0, colon).toLowerCase(Locale.ROOT) : rest.toLowerCase(Locale.ROOT);
		Vendor vendor = switch (scheme) {
			case "postgresql" -> Vendor.POSTGRESQL;
			case "mysql", "mysql+srv" -> Vendor.MYSQL;
			case "mariadb" -> Vendor.MARIADB;
			case "sqlserver" -> Vendor.SQLSERVER;
			default -> Vendor.OTHER;
		};
		if (vendor == Vendor.OTHER) {
			return new JdbcUrl(vendor, null, -1, List.of(), false);
		}
		int slashes = rest.indexOf("//");
		if (slashes < 0) {
			return new JdbcUrl(vendor, null, -1, (vendor == Vendor.POSTGRESQL) ? query(rest) : List.of(), false);
		}
		String afterSlashes = rest.substring(slashes + 2);
		if (vendor == Vendor.SQLSERVER) {
			int semicolon = afterSlashes.indexOf(';');
			String server = (semicolon >= 0) ? afterSlashes.substring(0, semicolon) : afterSlashes;
			List<Map.Entry<String, String>> parameters = (semicolon >= 0)
					? pairs(afterSlashes.substring(semicolon + 1), ";", false) : List.of();
			// host\instance:port names a named instance; the instance is not part of the host.
			String hostAndPort = server;
			int backslash = server.indexOf('\\');
			if (backslash >= 0) {
				int portColon = server.indexOf(':', backslash);
				hostAndPort = server.substring(0, backslash) + ((portColon >= 0) ? server.substring(portColon) : "");
			}
			return hostAndPort(vendor, hostAndPort, parameters, false);
		}
		int end = indexOfAny(afterSlashes, "/?");
		String authority = (end >= 0) ? afterSlashes.substring(0, end) : afterSlashes;
		// MySQL's address-equals form, (host=db,sslMode=...), sets properties per host.
		boolean hostProperties = vendor == Vendor.MYSQL && authority.contains("(");
		int comma = authority.indexOf(',');
		String first = (comma >= 0) ? authority.substring(0, comma) : authority;
		int at = first.lastIndexOf('@');
		if (at >= 0) {
			first = first.substring(at + 1);
		}
		return hostAndPort(vendor, first, query(afterSlashes), hostProperties);
	}

	private static String unwrap(String rest) {
		boolean unwrapped = true;
		while (unwrapped) {
			unwrapped = false;
			for (String wrapper : WRAPPERS) {
				if (rest.regionMatches(true, 0, wrapper, 0, wrapper.length())) {
					rest = rest.substring(wrapper.length());
					unwrapped = true;
				}
			}
		}
		return rest;
	}

	private static JdbcUrl hostAndPort(Vendor vendor, String hostAndPort, List<Map.Entry<String, String>> parameters,
			boolean hostProperties) {
		String host = hostAndPort;
		int port = -1;
		int portColon = hostAndPort.startsWith("[") ? hostAndPort.indexOf(':', hostAndPort.indexOf(']'))
				: hostAndPort.lastIndexOf(':');
		if (portColon >= 0) {
			host = hostAndPort.substring(0, portColon);
			try {
				port = Integer.parseInt(hostAndPort.substring(portColon + 1));
			}
			catch (NumberFormatException ex) {
				port = -1;
			}
		}
		if (host.startsWith("[") && host.endsWith("]")) {
			host = host.substring(1, host.length() - 1);
		}
		return new JdbcUrl(vendor, host.isEmpty() ? null : host, port, parameters, hostProperties);
	}

	private static List<Map.Entry<String, String>> query(String text) {
		int question = text.indexOf('?');
		return (question >= 0) ? pairs(text.substring(question + 1), "&", true) : List.of();
	}

	/**
	 * Parameters as the drivers read them: names as written (not decoded), values decoded
	 * in query strings, a name without {@code =} kept with an empty value.
	 */
	private static List<Map.Entry<String, String>> pairs(String text, String separator, boolean decode) {
		List<Map.Entry<String, String>> pairs = new ArrayList<>();
		for (String pair : text.split(separator)) {
			int equals = pair.indexOf('=');
			String key = ((equals >= 0) ? pair.substring(0, equals) : pair).strip();
			if (key.isEmpty()) {
				continue;
			}
			String value = (equals >= 0) ? pair.substring(equals + 1).strip() : "";
			try {
				value = decode ? URLDecoder.decode(value, StandardCharsets.UTF_8) : value;
			}
			catch (IllegalArgumentException ex) {
				// Kept as written; a driver refuses such a URL anyway.
			}
			pairs.add(Map.entry(key, value));
		}
		return pairs;
	}

	private static int indexOfAny(String text, String characters) {
		for (int i = 0; i < text.length(); i++) {
			if (characters.indexOf(text.charAt(i)) >= 0) {
				return i;
			}
		}
		return -1;
	}

	public Vendor vendor() {
		return this.vendor;
	}

	/**
	 * The first host of the URL.
	 * @return the host, or {@code null} when the URL names none
	 */
	public @Nullable String host() {
		return this.host;
	}

	/**
	 * The port of the first host, or the database's default port.
	 * @return the port, or -1 when unknown
	 */
	public int port() {
		return (this.port > 0) ? this.port : this.vendor.defaultPort();
	}

	/**
	 * A connection parameter of the URL, by case-insensitive name; the last one when
	 * repeated.
	 * @param name the parameter, e.g. {@code sslmode}
	 * @return the value, or {@code null}
	 */
	public @Nullable String parameter(String name) {
		String value = null;
		for (Map.Entry<String, String> parameter : this.parameters) {
			if (parameter.getKey().equalsIgnoreCase(name)) {
				value = parameter.getValue();
			}
		}
		return value;
	}

	/**
	 * The connection parameters as written: names in their own case, in order, repeated
	 * names repeated.
	 * @return the parameters
	 */
	public List<Map.Entry<String, String>> parameters() {
		return this.parameters;
	}

	/**
	 * Whether the URL sets properties per host (MySQL's {@code (host=...,key=value)} form),
	 * which are not among {@link #parameters()}.
	 * @return {@code true} when it does
	 */
	public boolean hasHostProperties() {
		return this.hostProperties;
	}

	@Override
	public String toString() {
		return "JdbcUrl[" + this.vendor + ", host=" + this.host + ", port=" + port() + "]";
	}

}
