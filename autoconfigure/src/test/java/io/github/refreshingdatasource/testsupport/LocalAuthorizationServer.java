package io.github.refreshingdatasource.testsupport;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2AccessTokenResponseAuthenticationSuccessHandler;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2ErrorAuthenticationFailureHandler;
import org.springframework.security.core.Authentication;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;

/**
 * A real Spring Authorization Server (Spring Security 7, through Spring Boot's
 * auto-configuration) on 127.0.0.1 and a random port, with one confidential client that
 * may use the client_credentials, authorization_code and refresh_token grants. Refresh
 * tokens are single-use ({@code reuseRefreshTokens(false)}): every refresh answers with a
 * new refresh token and the old one becomes invalid.
 * <p>
 * Every access token issued is handed to an {@link IssuedTokenListener} <em>before</em> the
 * response is written, so a test can make it the database role's password by the time the
 * client receives it. Token requests and error answers are counted by grant type and
 * error code.
 * <p>
 * The first refresh token comes from a real authorization_code flow driven headlessly with
 * the JDK HTTP client ({@link #authorize()}): the form login is filled in, consent is not
 * required, and PKCE (S256) is used.
 */
public final class LocalAuthorizationServer implements AutoCloseable {

	/** The registered client's id. */
	public static final String CLIENT_ID = "db-client";

	/** The scope the client asks for. */
	public static final String SCOPE = "db";

	private static final String REDIRECT_URI = "http://127.0.0.1/callback";

	private static final String USER = "alice";

	private static final JsonMapper MAPPER = JsonMapper.shared();

	private final ConfigurableApplicationContext context;

	private final Events events;

	private final String clientSecret;

	private final String userPassword;

	private final int port;

	private LocalAuthorizationServer(ConfigurableApplicationContext context, Events events, String clientSecret,
			String userPassword) {
		this.context = context;
		this.events = events;
		this.clientSecret = clientSecret;
		this.userPassword = userPassword;
		this.port = ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	/**
	 * Start a server.
	 * @param accessTokenTimeToLive the lifetime of every access token
	 * @param listener told of every access token issued, before the client gets it
	 * @return the running server
	 */
	public static LocalAuthorizationServer start(Duration accessTokenTimeToLive, IssuedTokenListener listener) {
		String clientSecret = ScramPostgres.randomPassword();
		String userPassword = ScramPostgres.randomPassword();
		Events events = new Events(listener);
		RegisteredClient client = RegisteredClient.withId("db-client-id")
			.clientId(CLIENT_ID)
			.clientSecret("{noop}" + clientSecret)
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
			.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
			.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
			.redirectUri(REDIRECT_URI)
			.scope(SCOPE)
			.clientSettings(ClientSettings.builder().requireAuthorizationConsent(false).requireProofKey(true).build())
			.tokenSettings(TokenSettings.builder()
				.accessTokenTimeToLive(accessTokenTimeToLive)
				.refreshTokenTimeToLive(Duration.ofHours(1))
				.reuseRefreshTokens(false)
				.build())
			.build();
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ServerConfiguration.class)
			.web(WebApplicationType.SERVLET)
			.initializers((applicationContext) -> {
				applicationContext.getBeanFactory().registerSingleton("events", events);
				applicationContext.getBeanFactory()
					.registerSingleton("registeredClientRepository", new InMemoryRegisteredClientRepository(client));
				applicationContext.getBeanFactory()
					.registerSingleton("userDetailsService", new InMemoryUserDetailsManager(
							User.withUsername(USER).password("{noop}" + userPassword).roles("USER").build()));
			})
			.properties(Map.of("server.address", "127.0.0.1", "server.port", "0", "spring.main.banner-mode", "off",
					"spring.autoconfigure.exclude",
					"org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration,"
							+ "io.github.refreshingdatasource.autoconfigure.RefreshingDataSourceAutoConfiguration,"
							// spring-boot-r2dbc is on the test classpath for the R2DBC binding tests.
							+ "org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration"))
			.run();
		return new LocalAuthorizationServer(context, events, clientSecret, userPassword);
	}

	public URI tokenUri() {
		return URI.create("http://127.0.0.1:" + this.port + "/oauth2/token");
	}

	public String clientSecret() {
		return this.clientSecret;
	}

	public String userPassword() {
		return this.userPassword;
	}

	/**
	 * How many access tokens were issued for the grant.
	 * @param grantType e.g. {@code client_credentials}, {@code refresh_token}
	 * @return the count
	 */
	public int tokensIssued(String grantType) {
		AtomicInteger count = this.events.issued.get(grantType);
		return (count != null) ? count.get() : 0;
	}

	/**
	 * How many token requests were refused with the error code.
	 * @param error e.g. {@code invalid_grant}
	 * @return the count
	 */
	public int errors(String error) {
		AtomicInteger count = this.events.errors.get(error);
		return (count != null) ? count.get() : 0;
	}

	/**
	 * The refresh tokens issued so far, oldest first, for the secret scan of captured output.
	 * @return the tokens
	 */
	public List<String> refreshTokensIssued() {
		return List.copyOf(this.events.refreshTokens);
	}

	/**
	 * Run the authorization_code flow as user {@code alice} through the real endpoints and
	 * return the refresh token of the new authorization.
	 * @return the refresh token
	 * @throws Exception when a step of the flow does not answer as expected
	 */
	public String authorize() throws Exception {
		HttpClient browser = HttpClient.newBuilder()
			.cookieHandler(new CookieManager())
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
		String verifier = ScramPostgres.randomPassword() + ScramPostgres.randomPassword();
		String challenge = Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
		String authorize = base() + "/oauth2/authorize?" + form(Map.of("response_type", "code", "client_id", CLIENT_ID,
				"scope", SCOPE, "redirect_uri", REDIRECT_URI, "state", "s1", "code_challenge", challenge,
				"code_challenge_method", "S256"));
		HttpResponse<String> response = get(browser, authorize);
		expectRedirect(response, "/login");
		HttpResponse<String> loginPage = get(browser, base() + "/login");
		Matcher csrf = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(loginPage.body());
		if (!csrf.find()) {
			throw new IllegalStateException("No CSRF token on the login page");
		}
		response = browser.send(HttpRequest.newBuilder(URI.create(base() + "/login"))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers
				.ofString(form(Map.of("username", USER, "password", this.userPassword, "_csrf", csrf.group(1)))))
			.build(), HttpResponse.BodyHandlers.ofString());
		String continued = expectRedirect(response, "/oauth2/authorize");
		response = get(browser, continued.startsWith("http") ? continued : base() + continued);
		String callback = expectRedirect(response, REDIRECT_URI);
		Matcher code = Pattern.compile("[?&]code=([^&]+)").matcher(callback);
		if (!code.find()) {
			throw new IllegalStateException("No authorization code in the redirect");
		}
		HttpResponse<String> token = browser.send(HttpRequest.newBuilder(tokenUri())
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("Authorization", "Basic " + Base64.getEncoder()
				.encodeToString((CLIENT_ID + ":" + this.clientSecret).getBytes(StandardCharsets.UTF_8)))
			.POST(HttpRequest.BodyPublishers.ofString(form(Map.of("grant_type", "authorization_code", "code",
					URLDecoder.decode(code.group(1), StandardCharsets.UTF_8), "redirect_uri", REDIRECT_URI,
					"code_verifier", verifier))))
			.build(), HttpResponse.BodyHandlers.ofString());
		if (token.statusCode() != 200) {
			throw new IllegalStateException("authorization_code exchange answered HTTP " + token.statusCode());
		}
		JsonNode body = MAPPER.readTree(token.body());
		return body.get("refresh_token").stringValue();
	}

	private String base() {
		return "http://127.0.0.1:" + this.port;
	}

	private static HttpResponse<String> get(HttpClient browser, String uri) throws IOException, InterruptedException {
		return browser.send(HttpRequest.newBuilder(URI.create(uri)).header("Accept", "text/html").GET().build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private static String expectRedirect(HttpResponse<String> response, String locationContains) {
		String location = response.headers().firstValue("Location").orElse("");
		if (response.statusCode() != 302 || !location.contains(locationContains)) {
			throw new IllegalStateException("Expected a redirect to " + locationContains + " from " + response.uri()
					+ " but got HTTP " + response.statusCode() + " to '" + location + "'");
		}
		return location;
	}

	private static String form(Map<String, String> parameters) {
		return parameters.entrySet()
			.stream()
			.map((entry) -> URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8) + "="
					+ URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
	}

	@Override
	public void close() {
		this.context.close();
	}

	/**
	 * Told of every access token the server issues, before the client receives it.
	 */
	@FunctionalInterface
	public interface IssuedTokenListener {

		void issued(String grantType, String accessToken, Instant expiresAt);

	}

	/** Counts and forwards what the token endpoint does. */
	static final class Events {

		final IssuedTokenListener listener;

		final Map<String, AtomicInteger> issued = new ConcurrentHashMap<>();

		final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();

		final List<String> refreshTokens = new CopyOnWriteArrayList<>();

		private final OAuth2AccessTokenResponseAuthenticationSuccessHandler success = new OAuth2AccessTokenResponseAuthenticationSuccessHandler();

		private final OAuth2ErrorAuthenticationFailureHandler failure = new OAuth2ErrorAuthenticationFailureHandler();

		Events(IssuedTokenListener listener) {
			this.listener = listener;
		}

		void onSuccess(HttpServletRequest request, HttpServletResponse response, Authentication authentication)
				throws IOException, jakarta.servlet.ServletException {
			OAuth2AccessTokenAuthenticationToken token = (OAuth2AccessTokenAuthenticationToken) authentication;
			String grantType = request.getParameter("grant_type");
			if (token.getRefreshToken() != null) {
				this.refreshTokens.add(token.getRefreshToken().getTokenValue());
			}
			this.listener.issued(grantType, token.getAccessToken().getTokenValue(), token.getAccessToken().getExpiresAt());
			this.issued.computeIfAbsent(grantType, (key) -> new AtomicInteger()).incrementAndGet();
			this.success.onAuthenticationSuccess(request, response, authentication);
		}

		void onFailure(HttpServletRequest request, HttpServletResponse response, AuthenticationException exception)
				throws IOException, jakarta.servlet.ServletException {
			String error = (exception instanceof OAuth2AuthenticationException oauth2)
					? oauth2.getError().getErrorCode() : "unknown";
			this.errors.computeIfAbsent(error, (key) -> new AtomicInteger()).incrementAndGet();
			this.failure.onAuthenticationFailure(request, response, exception);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ServerConfiguration {

		@Bean
		@Order(1)
		SecurityFilterChain authorizationServerSecurityFilterChain(HttpSecurity http, Events events) throws Exception {
			http.oauth2AuthorizationServer((server) -> {
				http.securityMatcher(server.getEndpointsMatcher());
				server.tokenEndpoint((token) -> token.accessTokenResponseHandler(events::onSuccess)
					.errorResponseHandler(events::onFailure));
			});
			http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated());
			http.exceptionHandling(
					(exceptions) -> exceptions.authenticationEntryPoint(new LoginUrlAuthenticationEntryPoint("/login")));
			return http.build();
		}

		@Bean
		@Order(2)
		SecurityFilterChain loginSecurityFilterChain(HttpSecurity http) throws Exception {
			http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
				.formLogin(Customizer.withDefaults());
			return http.build();
		}

		@Bean
		AuthorizationServerSettings authorizationServerSettings() {
			return AuthorizationServerSettings.builder().build();
		}

	}

}
