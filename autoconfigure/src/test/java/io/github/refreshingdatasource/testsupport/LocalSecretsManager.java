package io.github.refreshingdatasource.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * AWS Secrets Manager's JSON protocol, served by the JDK's HTTP server on 127.0.0.1 for the
 * real AWS SDK pointed at it with {@code endpointOverride}: {@code POST /} with
 * {@code X-Amz-Target: secretsmanager.GetSecretValue} or {@code secretsmanager.DescribeSecret}
 * and an {@code application/x-amz-json-1.1} body, answered as the service answers, errors
 * included ({@code __type} {@code ResourceNotFoundException}, {@code AccessDeniedException}).
 * <p>
 * A stand-in, because no emulator can run here (moto and LocalStack come from PyPI or as
 * containers, neither reachable). What it checks of each request: the SigV4
 * {@code Authorization} header's shape (algorithm, credential scope of the expected access
 * key, date, region and service {@code secretsmanager}, signed headers including
 * {@code host}, {@code x-amz-date} and {@code x-amz-target}, a 64-hex-digit signature) and
 * an {@code X-Amz-Date} matching the scope's date. The signature itself is not recomputed.
 * <p>
 * Secrets keep versions with staging labels like the service: {@link #rotate} makes a new
 * version {@code AWSCURRENT} and the old one {@code AWSPREVIOUS}, while holding the lock every
 * read takes, so whatever it does alongside (changing the database password) happens at the
 * same moment for every reader.
 */
public final class LocalSecretsManager implements AutoCloseable {

	private static final String ACCOUNT = "123456789012";

	private static final Pattern AUTHORIZATION = Pattern.compile("AWS4-HMAC-SHA256 Credential=([^/]+)/([0-9]{8})/"
			+ "([a-z0-9-]+)/secretsmanager/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=[0-9a-f]{64}");

	private static final Pattern AMZ_DATE = Pattern.compile("([0-9]{8})T[0-9]{6}Z");

	private static final JsonMapper json = JsonMapper.shared();

	private final HttpServer server;

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private final String accessKeyId;

	private final String region;

	private final Map<String, Secret> secrets = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

	private final List<String> refusals = new CopyOnWriteArrayList<>();

	private final AtomicReference<CountDownLatch> hold = new AtomicReference<>();

	private final AtomicInteger failuresToInject = new AtomicInteger();

	private final Set<String> denied = ConcurrentHashMap.newKeySet();

	private LocalSecretsManager(String accessKeyId, String region) throws IOException {
		this.accessKeyId = accessKeyId;
		this.region = region;
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.setExecutor(this.executor);
		this.server.createContext("/", this::handle);
		this.server.start();
	}

	/**
	 * Start an endpoint that accepts requests signed with the given access key for the given
	 * region.
	 * @param accessKeyId the access key id requests must be signed with
	 * @param region the region requests must be signed for
	 * @return the running endpoint
	 * @throws IOException when the server cannot listen
	 */
	public static LocalSecretsManager start(String accessKeyId, String region) throws IOException {
		return new LocalSecretsManager(accessKeyId, region);
	}

	public URI endpoint() {
		return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort());
	}

	/**
	 * Create a secret with a first version, labelled {@code AWSCURRENT}.
	 * @param name the secret's name
	 * @param value its {@code SecretString}
	 * @return its ARN
	 */
	public String createSecret(String name, String value) {
		Secret secret = new Secret(name, "arn:aws:secretsmanager:" + this.region + ":" + ACCOUNT + ":secret:" + name
				+ "-" + UUID.randomUUID().toString().substring(0, 6));
		synchronized (this) {
			secret.put(value);
			this.secrets.put(name, secret);
		}
		return secret.arn;
	}

	/**
	 * Rotate a secret as a rotation function's last step does: run {@code alongside} (which
	 * changes the database password), then label a new version {@code AWSCURRENT} and the old
	 * one {@code AWSPREVIOUS}, with no read in between.
	 * @param name the secret's name
	 * @param value the new {@code SecretString}
	 * @param alongside what changes at the same moment
	 */
	public synchronized void rotate(String name, String value, Runnable alongside) {
		alongside.run();
		this.secrets.get(name).put(value);
	}

	/**
	 * Calls of an operation received, answered or not.
	 * @param operation e.g. {@code GetSecretValue}
	 * @return the count
	 */
	public int calls(String operation) {
		AtomicInteger count = this.calls.get(operation);
		return (count != null) ? count.get() : 0;
	}

	/** Why requests were refused, in order. */
	public List<String> refusals() {
		return List.copyOf(this.refusals);
	}

	/**
	 * Refuse every read of a secret with {@code AccessDeniedException}, as the service does
	 * when the caller's policy does not allow {@code secretsmanager:GetSecretValue}.
	 * @param name the secret's name
	 */
	public void deny(String name) {
		this.denied.add(name);
	}

	/** Answer the next {@code count} requests with HTTP 500 {@code InternalServiceError}. */
	public void failNext(int count) {
		this.failuresToInject.set(count);
	}

	/**
	 * Hold every request until the returned latch is counted down (at most 30 s).
	 * @return the latch
	 */
	public CountDownLatch holdRequests() {
		CountDownLatch latch = new CountDownLatch(1);
		this.hold.set(latch);
		return latch;
	}

	private void handle(HttpExchange exchange) throws IOException {
		String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
		String operation = (target != null && target.startsWith("secretsmanager.")) ? target.substring(15) : "?";
		this.calls.computeIfAbsent(operation, (unused) -> new AtomicInteger()).incrementAndGet();
		String body = HttpExchanges.body(exchange);
		CountDownLatch latch = this.hold.get();
		if (latch != null) {
			try {
				latch.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		String problem = signatureProblem(exchange);
		if (problem != null) {
			error(exchange, 400, "IncompleteSignatureException", problem);
			return;
		}
		if (!"POST".equals(exchange.getRequestMethod()) || !"/".equals(exchange.getRequestURI().getPath())
				|| !"application/x-amz-json-1.1".equals(exchange.getRequestHeaders().getFirst("Content-Type"))) {
			error(exchange, 400, "InvalidRequestException", "not a JSON 1.1 POST to /");
			return;
		}
		if (this.failuresToInject.getAndUpdate((count) -> Math.max(0, count - 1)) > 0) {
			error(exchange, 500, "InternalServiceError", "injected failure");
			return;
		}
		JsonNode request = json.readTree(body);
		switch (operation) {
			case "GetSecretValue" -> getSecretValue(exchange, request);
			case "DescribeSecret" -> describeSecret(exchange, request);
			default -> error(exchange, 400, "UnknownOperationException", "unknown operation " + target);
		}
	}

	private String signatureProblem(HttpExchange exchange) {
		String authorization = exchange.getRequestHeaders().getFirst("Authorization");
		Matcher shape = (authorization != null) ? AUTHORIZATION.matcher(authorization) : null;
		if (shape == null || !shape.matches()) {
			return "Authorization is not a SigV4 header for secretsmanager";
		}
		String amzDate = exchange.getRequestHeaders().getFirst("X-Amz-Date");
		Matcher date = (amzDate != null) ? AMZ_DATE.matcher(amzDate) : null;
		List<String> signed = List.of(shape.group(4).split(";"));
		if (!this.accessKeyId.equals(shape.group(1))) {
			return "signed with access key " + shape.group(1);
		}
		if (!this.region.equals(shape.group(3))) {
			return "signed for region " + shape.group(3);
		}
		if (date == null || !date.matches() || !date.group(1).equals(shape.group(2))) {
			return "X-Amz-Date does not match the credential scope";
		}
		if (!signed.containsAll(List.of("host", "x-amz-date", "x-amz-target"))) {
			return "signed headers " + signed + " leave out host, x-amz-date or x-amz-target";
		}
		return null;
	}

	private void getSecretValue(HttpExchange exchange, JsonNode request) throws IOException {
		String stage = request.path("VersionStage").isString() ? request.path("VersionStage").stringValue()
				: "AWSCURRENT";
		Map<String, Object> answer = new LinkedHashMap<>();
		synchronized (this) {
			Secret secret = find(request.path("SecretId").stringValue(""));
			if (secret != null && this.denied.contains(secret.name)) {
				error(exchange, 400, "AccessDeniedException", "User: arn:aws:sts::" + ACCOUNT
						+ ":assumed-role/app is not authorized to perform: secretsmanager:GetSecretValue");
				return;
			}
			Version version = (secret != null) ? secret.staged(stage) : null;
			if (version == null) {
				error(exchange, 400, "ResourceNotFoundException",
						(secret == null) ? "Secrets Manager can't find the specified secret."
								: "Secrets Manager can't find the specified secret value for staging label: " + stage);
				return;
			}
			answer.put("ARN", secret.arn);
			answer.put("Name", secret.name);
			answer.put("VersionId", version.id);
			answer.put("SecretString", version.value);
			answer.put("VersionStages", secret.stagesOf(version));
			answer.put("CreatedDate", version.created.toEpochMilli() / 1000.0);
		}
		HttpExchanges.respond(exchange, 200, "application/x-amz-json-1.1", json.writeValueAsString(answer));
	}

	private void describeSecret(HttpExchange exchange, JsonNode request) throws IOException {
		Map<String, Object> answer = new LinkedHashMap<>();
		synchronized (this) {
			Secret secret = find(request.path("SecretId").stringValue(""));
			if (secret == null) {
				error(exchange, 400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
				return;
			}
			Map<String, List<String>> stages = new LinkedHashMap<>();
			for (Version version : secret.versions) {
				List<String> labels = secret.stagesOf(version);
				if (!labels.isEmpty()) {
					stages.put(version.id, labels);
				}
			}
			answer.put("ARN", secret.arn);
			answer.put("Name", secret.name);
			answer.put("RotationEnabled", secret.versions.size() > 1);
			answer.put("VersionIdsToStages", stages);
			answer.put("LastChangedDate", secret.current.created.toEpochMilli() / 1000.0);
		}
		HttpExchanges.respond(exchange, 200, "application/x-amz-json-1.1", json.writeValueAsString(answer));
	}

	/** By name, full ARN, or ARN without the random suffix, as the service resolves them. */
	private Secret find(String secretId) {
		for (Secret secret : this.secrets.values()) {
			if (secret.name.equals(secretId) || secret.arn.equals(secretId)
					|| secret.arn.substring(0, secret.arn.length() - 7).equals(secretId)) {
				return secret;
			}
		}
		return null;
	}

	private void error(HttpExchange exchange, int status, String type, String message) throws IOException {
		this.refusals.add(type + ": " + message);
		exchange.getResponseHeaders().set("x-amzn-ErrorType", type);
		HttpExchanges.respond(exchange, status, "application/x-amz-json-1.1",
				"{\"__type\":\"" + type + "\",\"Message\":" + json.writeValueAsString(message) + "}");
	}

	@Override
	public void close() {
		CountDownLatch latch = this.hold.get();
		if (latch != null) {
			latch.countDown();
		}
		this.server.stop(0);
		this.executor.shutdownNow();
	}

	private static final class Secret {

		private final String name;

		private final String arn;

		private final List<Version> versions = new ArrayList<>();

		private Version current;

		private Version previous;

		Secret(String name, String arn) {
			this.name = name;
			this.arn = arn;
		}

		void put(String value) {
			Version version = new Version(UUID.randomUUID().toString(), value, Instant.now());
			this.versions.add(version);
			this.previous = this.current;
			this.current = version;
		}

		Version staged(String stage) {
			return switch (stage) {
				case "AWSCURRENT" -> this.current;
				case "AWSPREVIOUS" -> this.previous;
				default -> null;
			};
		}

		List<String> stagesOf(Version version) {
			List<String> stages = new ArrayList<>();
			if (version == this.current) {
				stages.add("AWSCURRENT");
			}
			if (version == this.previous) {
				stages.add("AWSPREVIOUS");
			}
			return stages;
		}

	}

	private record Version(String id, String value, Instant created) {

		@Override
		public String toString() {
			return "Version[" + this.id + "]";
		}

	}

}
