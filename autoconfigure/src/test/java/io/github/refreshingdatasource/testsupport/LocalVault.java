package io.github.refreshingdatasource.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A stand-in for HashiCorp Vault, because no Vault binary can be installed or run on these
 * machines (it is neither in Debian nor on Maven Central). It serves, on 127.0.0.1 with the
 * JDK's HTTP server, the documented HTTP API endpoints the {@code vault} provider and
 * Spring Vault use, with Vault's JSON shapes, status codes, {@code X-Vault-Token} and
 * {@code X-Vault-Namespace} headers and errors as {@code {"errors": [...]}}:
 * <ul>
 * <li>{@code POST /v1/auth/approle/login}, {@code POST /v1/auth/kubernetes/login};</li>
 * <li>{@code GET /v1/auth/token/lookup-self}, {@code POST /v1/auth/token/renew-self},
 * {@code POST /v1/auth/token/revoke-self} (which revokes the token's leases);</li>
 * <li>{@code GET /v1/<mount>/creds/<role>}, {@code GET /v1/<mount>/static-creds/<role>},
 * {@code PUT /v1/sys/leases/renew}, {@code PUT /v1/sys/leases/revoke}, served by a
 * {@link VaultDatabaseEngine} that manages real roles in the embedded PostgreSQL.</li>
 * </ul>
 * Vault treats {@code PUT} and {@code POST} alike; so does this server. A {@link #seal()
 * sealed} server answers every request with 503, as a sealed Vault does.
 */
public final class LocalVault implements AutoCloseable {

	private static final JsonMapper json = JsonMapper.shared();

	private static final SecureRandom random = new SecureRandom();

	private static final String PERMISSION_DENIED = "permission denied";

	private final HttpServer server;

	private final ExecutorService executor = Executors.newCachedThreadPool((runnable) -> {
		Thread thread = new Thread(runnable, "local-vault");
		thread.setDaemon(true);
		return thread;
	});

	private final VaultDatabaseEngine database;

	private final String rootToken = newToken();

	private final Map<String, Token> tokens = new ConcurrentHashMap<>();

	private final Map<String, String> appRoles = new ConcurrentHashMap<>();

	private final Map<String, String> kubernetesRoles = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

	private volatile Duration loginTokenTtl = Duration.ofHours(1);

	private volatile @Nullable String namespace;

	private volatile boolean sealed;

	private LocalVault(ScramPostgres postgres) throws IOException {
		this.database = new VaultDatabaseEngine(postgres, "database");
		this.tokens.put(this.rootToken, new Token(this.rootToken, "root", List.of("root"), 0, null, false));
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.setExecutor(this.executor);
		this.server.createContext("/v1/", this::handle);
		this.server.start();
	}

	/**
	 * Start a server whose {@code database} mount manages roles in the given PostgreSQL.
	 * @param postgres the database
	 * @return the running server
	 * @throws IOException when it cannot listen
	 */
	public static LocalVault start(ScramPostgres postgres) throws IOException {
		return new LocalVault(postgres);
	}

	public URI uri() {
		return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort());
	}

	/** A token that may do everything and never expires, as {@code vault server -dev} prints. */
	public String rootToken() {
		return this.rootToken;
	}

	public VaultDatabaseEngine database() {
		return this.database;
	}

	/** Accept an AppRole login with this role id and secret id. */
	public void appRole(String roleId, String secretId) {
		this.appRoles.put(roleId, secretId);
	}

	/** Accept a Kubernetes login for this role with this service account token. */
	public void kubernetesRole(String role, String jwt) {
		this.kubernetesRoles.put(role, jwt);
	}

	/** The TTL of tokens that logins issue; they are renewable. */
	public void loginTokenTtl(Duration ttl) {
		this.loginTokenTtl = ttl;
	}

	/** Demand this {@code X-Vault-Namespace} on every request, as an enterprise namespace does. */
	public void requireNamespace(String namespace) {
		this.namespace = namespace;
	}

	/** Answer every request with 503 until {@link #unseal()}. */
	public void seal() {
		this.sealed = true;
	}

	public void unseal() {
		this.sealed = false;
	}

	/**
	 * Requests received, by method and path with the lease or role path kept, such as
	 * {@code "POST /v1/auth/approle/login"} or {@code "PUT /v1/sys/leases/renew"}.
	 * @param methodAndPath the key
	 * @return how many
	 */
	public int requests(String methodAndPath) {
		AtomicInteger count = this.requests.get(methodAndPath);
		return (count != null) ? count.get() : 0;
	}

	/** Whether a token is known and not expired or revoked. */
	public boolean tokenValid(String token) {
		Token found = this.tokens.get(token);
		return found != null && !found.expired();
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
		this.database.close();
	}

	private void handle(HttpExchange exchange) throws IOException {
		try (exchange) {
			String method = exchange.getRequestMethod();
			String path = exchange.getRequestURI().getPath();
			// Vault maps PUT and POST to the same "update" operation.
			String operation = "PUT".equals(method) ? "POST" : method;
			this.requests.computeIfAbsent(method + " " + path, (key) -> new AtomicInteger()).incrementAndGet();
			JsonNode body = readBody(exchange.getRequestBody());
			if (this.sealed) {
				respond(exchange, 503, errors("Vault is sealed"));
				return;
			}
			String namespace = this.namespace;
			if (namespace != null && !namespace.equals(exchange.getRequestHeaders().getFirst("X-Vault-Namespace"))) {
				respond(exchange, 403, errors(PERMISSION_DENIED));
				return;
			}
			if (body == null) {
				respond(exchange, 400, errors("failed to parse JSON input"));
				return;
			}
			route(exchange, operation, path, body);
		}
		catch (RuntimeException ex) {
			respond(exchange, 500, errors("internal error"));
		}
	}

	private void route(HttpExchange exchange, String operation, String path, JsonNode body) throws IOException {
		switch (operation + " " + path) {
			case "POST /v1/auth/approle/login" -> appRoleLogin(exchange, body);
			case "POST /v1/auth/kubernetes/login" -> kubernetesLogin(exchange, body);
			default -> {
				Token token = authenticated(exchange);
				if (token == null) {
					respond(exchange, 403, errors(PERMISSION_DENIED));
					return;
				}
				routeAuthenticated(exchange, operation, path, body, token);
			}
		}
	}

	private void routeAuthenticated(HttpExchange exchange, String operation, String path, JsonNode body, Token token)
			throws IOException {
		String mount = "/v1/" + this.database.mount() + "/";
		switch (operation + " " + path) {
			case "GET /v1/auth/token/lookup-self" -> respond(exchange, 200, response(token.lookup(), null, null));
			case "POST /v1/auth/token/renew-self" -> {
				if (!token.renewable) {
					respond(exchange, 400, errors("lease is not renewable"));
					return;
				}
				token.expiresAt = Instant.now().plusSeconds(token.ttlSeconds);
				respond(exchange, 200, response(null, token.auth(), null));
			}
			case "POST /v1/auth/token/revoke-self" -> {
				this.tokens.remove(token.id);
				this.database.revokeLeasesOf(token.id);
				respond(exchange, 204, null);
			}
			case "POST /v1/sys/leases/renew" -> renewLease(exchange, body);
			case "POST /v1/sys/leases/revoke" -> {
				this.database.revoke(text(body, "lease_id"));
				respond(exchange, 204, null);
			}
			default -> {
				if ("GET".equals(operation) && path.startsWith(mount + "creds/")) {
					dynamicCredentials(exchange, path.substring((mount + "creds/").length()), token);
				}
				else if ("GET".equals(operation) && path.startsWith(mount + "static-creds/")) {
					staticCredentials(exchange, path.substring((mount + "static-creds/").length()));
				}
				else {
					respond(exchange, 404, errors());
				}
			}
		}
	}

	private void appRoleLogin(HttpExchange exchange, JsonNode body) throws IOException {
		String roleId = text(body, "role_id");
		String secretId = this.appRoles.get(roleId);
		if (secretId == null) {
			respond(exchange, 400, errors("invalid role ID"));
			return;
		}
		if (!secretId.equals(text(body, "secret_id"))) {
			respond(exchange, 400, errors("invalid secret id"));
			return;
		}
		respond(exchange, 200, response(null, login("approle").auth(), null));
	}

	private void kubernetesLogin(HttpExchange exchange, JsonNode body) throws IOException {
		String role = text(body, "role");
		String jwt = this.kubernetesRoles.get(role);
		if (jwt == null) {
			respond(exchange, 400, errors("invalid role name \"" + role + "\""));
			return;
		}
		if (!jwt.equals(text(body, "jwt"))) {
			respond(exchange, 403, errors(PERMISSION_DENIED));
			return;
		}
		respond(exchange, 200, response(null, login("kubernetes").auth(), null));
	}

	private Token login(String method) {
		long ttl = this.loginTokenTtl.toSeconds();
		Token token = new Token(newToken(), method, List.of("default", "database"), ttl,
				Instant.now().plusSeconds(ttl), true);
		this.tokens.put(token.id, token);
		return token;
	}

	private void dynamicCredentials(HttpExchange exchange, String role, Token token) throws IOException {
		VaultDatabaseEngine.Lease lease = this.database.issue(role, token.id);
		if (lease == null) {
			respond(exchange, 400, errors("unknown role: " + role));
			return;
		}
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("username", lease.username);
		data.put("password", lease.password);
		Map<String, Object> response = response(data, null, null);
		response.put("lease_id", lease.id);
		response.put("renewable", true);
		// Vault states the role's ttl as the new lease's duration.
		response.put("lease_duration", lease.role().ttlSeconds());
		respond(exchange, 200, response);
	}

	private void staticCredentials(HttpExchange exchange, String role) throws IOException {
		VaultDatabaseEngine.StaticCredentials credentials = this.database.staticCredentials(role);
		if (credentials == null) {
			respond(exchange, 400, errors("unknown role: " + role));
			return;
		}
		Map<String, Object> data = new LinkedHashMap<>();
		data.put("last_vault_rotation", credentials.lastRotation().toString());
		data.put("password", credentials.password());
		data.put("rotation_period", credentials.rotationPeriodSeconds());
		data.put("ttl", credentials.ttlSeconds());
		data.put("username", credentials.username());
		respond(exchange, 200, response(data, null, null));
	}

	private void renewLease(HttpExchange exchange, JsonNode body) throws IOException {
		JsonNode increment = body.get("increment");
		long seconds = (increment == null) ? 0 : parseSeconds(increment.asString());
		VaultDatabaseEngine.Renewal renewal = this.database.renew(text(body, "lease_id"), seconds);
		if (renewal == null) {
			respond(exchange, 400, errors("lease not found"));
			return;
		}
		Map<String, Object> response = response(null, null, renewal.warning());
		response.put("lease_id", renewal.lease().id);
		response.put("renewable", true);
		response.put("lease_duration", renewal.durationSeconds());
		respond(exchange, 200, response);
	}

	private @Nullable Token authenticated(HttpExchange exchange) {
		String id = exchange.getRequestHeaders().getFirst("X-Vault-Token");
		Token token = (id != null) ? this.tokens.get(id) : null;
		return (token != null && !token.expired()) ? token : null;
	}

	/** Vault takes an increment as seconds or a duration string such as "30s" or "5m". */
	private static long parseSeconds(String value) {
		if (value.isEmpty()) {
			return 0;
		}
		char unit = value.charAt(value.length() - 1);
		if (Character.isDigit(unit)) {
			return Long.parseLong(value);
		}
		long amount = Long.parseLong(value.substring(0, value.length() - 1));
		return switch (unit) {
			case 's' -> amount;
			case 'm' -> amount * 60;
			case 'h' -> amount * 3600;
			default -> throw new IllegalArgumentException("unknown duration unit " + unit);
		};
	}

	private static String text(JsonNode body, String field) {
		JsonNode value = body.get(field);
		return (value != null && value.isString()) ? value.asString() : "";
	}

	private static Map<String, Object> response(@Nullable Map<String, Object> data, @Nullable Map<String, Object> auth,
			@Nullable String warning) {
		Map<String, Object> response = new LinkedHashMap<>();
		response.put("request_id", UUID.randomUUID().toString());
		response.put("lease_id", "");
		response.put("renewable", false);
		response.put("lease_duration", 0);
		response.put("data", data);
		response.put("wrap_info", null);
		response.put("warnings", (warning != null) ? List.of(warning) : null);
		response.put("auth", auth);
		return response;
	}

	private static Map<String, Object> errors(String... errors) {
		return Map.of("errors", List.of(errors));
	}

	private static @Nullable JsonNode readBody(InputStream body) throws IOException {
		byte[] bytes = body.readNBytes(64 * 1024);
		if (bytes.length == 0) {
			return json.createObjectNode();
		}
		try {
			return json.readTree(bytes);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private static void respond(HttpExchange exchange, int status, @Nullable Map<String, Object> body)
			throws IOException {
		if (body == null) {
			exchange.sendResponseHeaders(status, -1);
			return;
		}
		byte[] bytes = json.writeValueAsBytes(body);
		exchange.getResponseHeaders().add("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length);
		exchange.getResponseBody().write(bytes);
	}

	private static String newToken() {
		byte[] bytes = new byte[18];
		random.nextBytes(bytes);
		return "hvs." + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	private static final class Token {

		final String id;

		final String accessor = UUID.randomUUID().toString();

		final String method;

		final List<String> policies;

		final long ttlSeconds;

		final boolean renewable;

		volatile @Nullable Instant expiresAt;

		Token(String id, String method, List<String> policies, long ttlSeconds, @Nullable Instant expiresAt,
				boolean renewable) {
			this.id = id;
			this.method = method;
			this.policies = policies;
			this.ttlSeconds = ttlSeconds;
			this.expiresAt = expiresAt;
			this.renewable = renewable;
		}

		boolean expired() {
			Instant end = this.expiresAt;
			return end != null && !end.isAfter(Instant.now());
		}

		long remainingSeconds() {
			Instant end = this.expiresAt;
			return (end != null) ? Math.max(0, Duration.between(Instant.now(), end).toSeconds()) : 0;
		}

		Map<String, Object> auth() {
			Map<String, Object> auth = new LinkedHashMap<>();
			auth.put("client_token", this.id);
			auth.put("accessor", this.accessor);
			auth.put("policies", this.policies);
			auth.put("token_policies", this.policies);
			auth.put("metadata", Map.of("auth_method", this.method));
			auth.put("lease_duration", remainingSeconds());
			auth.put("renewable", this.renewable);
			auth.put("entity_id", "");
			auth.put("token_type", "service");
			auth.put("orphan", true);
			return auth;
		}

		Map<String, Object> lookup() {
			Map<String, Object> data = new LinkedHashMap<>();
			data.put("accessor", this.accessor);
			data.put("creation_ttl", this.ttlSeconds);
			data.put("display_name", this.method);
			data.put("expire_time", (this.expiresAt != null) ? this.expiresAt.toString() : null);
			data.put("explicit_max_ttl", 0);
			data.put("id", this.id);
			data.put("num_uses", 0);
			data.put("orphan", true);
			data.put("path", "auth/" + this.method + "/login");
			data.put("policies", this.policies);
			data.put("renewable", this.renewable);
			data.put("ttl", remainingSeconds());
			data.put("type", "service");
			return data;
		}

	}

}
