package io.github.refreshingdatasource.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.sun.net.httpserver.HttpExchange;

/**
 * What the local endpoints built on the JDK's HTTP server share: reading a bounded request
 * body or form, and answering with JSON.
 */
public final class HttpExchanges {

	/** No request a client under test sends comes near this; a larger one is refused. */
	private static final int MAX_BODY = 64 * 1024;

	private HttpExchanges() {
	}

	/**
	 * Answer with a JSON body.
	 * @param exchange the exchange
	 * @param status the HTTP status
	 * @param contentType the content type, e.g. {@code application/json}
	 * @param body the body
	 * @throws IOException when the client went away
	 */
	public static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", contentType);
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	/**
	 * Answer with {@code application/json}.
	 * @param exchange the exchange
	 * @param status the HTTP status
	 * @param body the body
	 * @throws IOException when the client went away
	 */
	public static void respond(HttpExchange exchange, int status, String body) throws IOException {
		respond(exchange, status, "application/json", body);
	}

	/**
	 * Read the request body, at most 64 KiB.
	 * @param exchange the exchange
	 * @return the body as UTF-8
	 * @throws IOException when it is larger or cannot be read
	 */
	public static String body(HttpExchange exchange) throws IOException {
		try (InputStream in = exchange.getRequestBody()) {
			byte[] bytes = in.readNBytes(MAX_BODY + 1);
			if (bytes.length > MAX_BODY) {
				throw new IOException("request body larger than " + MAX_BODY + " bytes");
			}
			return new String(bytes, StandardCharsets.UTF_8);
		}
	}

	/**
	 * Parse {@code application/x-www-form-urlencoded} text: a query string or a form body.
	 * @param raw the text, or {@code null}
	 * @return the parameters in order; a repeated one keeps its last value
	 */
	public static Map<String, String> form(String raw) {
		Map<String, String> parameters = new LinkedHashMap<>();
		if (raw != null) {
			for (String pair : raw.split("&")) {
				int equals = pair.indexOf('=');
				if (equals > 0) {
					parameters.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
							URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
				}
			}
		}
		return parameters;
	}

}
