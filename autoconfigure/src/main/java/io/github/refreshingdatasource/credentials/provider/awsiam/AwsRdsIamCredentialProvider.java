package io.github.refreshingdatasource.credentials.provider.awsiam;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.DbCredential;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsUtilities;
import software.amazon.awssdk.services.rds.model.GenerateAuthenticationTokenRequest;

import org.springframework.util.Assert;

/**
 * An RDS IAM authentication token as the password: a SigV4-presigned {@code connect} URL for
 * one database user on one host and port, generated locally by the AWS SDK from the
 * configured AWS credentials. Generating it makes no call to RDS; resolving the AWS
 * credentials may (instance metadata, STS), which the SDK's credentials providers cache.
 * <p>
 * RDS accepts a token for 15 minutes after it was signed. The expiry is read from the
 * token itself ({@code X-Amz-Date} plus {@code X-Amz-Expires}), so the cache renews it
 * ahead of that instant; a new connection never generates one.
 */
public final class AwsRdsIamCredentialProvider implements CredentialProvider {

	/** How long RDS accepts a token, as the SDK signs it. */
	static final Duration TOKEN_LIFETIME = Duration.ofMinutes(15);

	private static final Pattern AMZ_DATE = Pattern.compile("[?&]X-Amz-Date=([0-9]{8}T[0-9]{6}Z)");

	private static final Pattern AMZ_EXPIRES = Pattern.compile("[?&]X-Amz-Expires=([0-9]+)");

	private static final DateTimeFormatter AMZ_DATE_FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
		.withZone(ZoneOffset.UTC);

	private final RdsUtilities utilities;

	private final GenerateAuthenticationTokenRequest request;

	private final String hostname;

	private final int port;

	private final String username;

	private final Region region;

	private final Duration lifetime;

	private final Clock clock;

	/**
	 * Create a provider.
	 * @param utilities the SDK's token generator, with the credentials to sign with
	 * @param hostname the database endpoint, as the client connects to it
	 * @param port the database port
	 * @param username the database user, which must be granted IAM login
	 * @param region the region of the database
	 */
	public AwsRdsIamCredentialProvider(RdsUtilities utilities, String hostname, int port, String username,
			Region region) {
		this(utilities, hostname, port, username, region, TOKEN_LIFETIME, Clock.systemUTC());
	}

	/**
	 * Create a provider that treats tokens as expiring after {@code lifetime} at the latest:
	 * only tests use a lifetime below 15 minutes, to see several expiries in seconds.
	 */
	AwsRdsIamCredentialProvider(RdsUtilities utilities, String hostname, int port, String username, Region region,
			Duration lifetime, Clock clock) {
		Assert.notNull(utilities, "utilities must not be null");
		Assert.hasText(hostname, "hostname must not be empty");
		Assert.isTrue(port > 0 && port < 65536, "port must be between 1 and 65535");
		Assert.hasText(username, "username must not be empty");
		Assert.notNull(region, "region must not be null");
		this.utilities = utilities;
		this.hostname = hostname;
		this.port = port;
		this.username = username;
		this.region = region;
		this.lifetime = lifetime;
		this.clock = clock;
		this.request = GenerateAuthenticationTokenRequest.builder()
			.hostname(hostname)
			.port(port)
			.username(username)
			.region(region)
			.build();
	}

	@Override
	public DbCredential fetch() {
		Instant before = this.clock.instant();
		String token = this.utilities.generateAuthenticationToken(this.request);
		return DbCredential.of(this.username, token, expiry(token, before));
	}

	private Instant expiry(String token, Instant before) {
		// X-Amz-Date is truncated to the second: without it, assume the earliest it can be.
		Instant signedAt = before.minusSeconds(1);
		Duration validFor = TOKEN_LIFETIME;
		Matcher date = AMZ_DATE.matcher(token);
		Matcher expires = AMZ_EXPIRES.matcher(token);
		if (date.find() && expires.find()) {
			try {
				signedAt = Instant.from(AMZ_DATE_FORMAT.parse(date.group(1)));
				validFor = Duration.ofSeconds(Long.parseLong(expires.group(1)));
			}
			catch (DateTimeParseException | NumberFormatException ex) {
				// Keep the conservative values.
			}
		}
		return signedAt.plus((validFor.compareTo(this.lifetime) < 0) ? validFor : this.lifetime);
	}

	@Override
	public String toString() {
		return "AwsRdsIamCredentialProvider[" + this.username + "@" + this.hostname + ":" + this.port + ", region="
				+ this.region + "]";
	}

}
