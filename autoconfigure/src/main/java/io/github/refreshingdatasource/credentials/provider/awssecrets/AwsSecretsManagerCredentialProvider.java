package io.github.refreshingdatasource.credentials.provider.awssecrets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.refreshingdatasource.credentials.CredentialProvider;
import io.github.refreshingdatasource.credentials.DbCredential;
import io.github.refreshingdatasource.credentials.NonRetryableCredentialException;
import io.github.refreshingdatasource.credentials.provider.CredentialJson;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;

import org.springframework.util.Assert;

/**
 * A database secret from AWS Secrets Manager: {@code GetSecretValue} of one secret at one
 * version stage ({@code AWSCURRENT} unless configured). The secret is either the JSON that
 * Secrets Manager's RDS rotation writes ({@code username}, {@code password}, and fields such
 * as {@code host}, {@code port} and {@code dbname} that are ignored: the JDBC URL decides
 * where to connect) or the password as plain text.
 * <p>
 * Secrets have no expiry: the cache fetches again on its interval and at once when the
 * database rejects the login, which is how a rotation shows. Answers that no retry can
 * change (no such secret, access denied, a key that cannot decrypt it) are reported as
 * {@link NonRetryableCredentialException}.
 */
public final class AwsSecretsManagerCredentialProvider implements CredentialProvider {

	/** The stage Secrets Manager's rotation moves to the newest working version. */
	public static final String CURRENT_STAGE = "AWSCURRENT";

	private static final Pattern ARN_REGION = Pattern.compile("^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):");

	private final SecretsManagerClient client;

	private final String secretId;

	private final String versionStage;

	private final String usernameField;

	private final String passwordField;

	private final GetSecretValueRequest request;

	/**
	 * Create a provider.
	 * @param client the client, owned by the provider from now on (closed with the cache)
	 * @param secretId the secret's name or ARN
	 * @param versionStage the version stage to read, usually {@link #CURRENT_STAGE}
	 * @param usernameField the JSON field holding the username
	 * @param passwordField the JSON field holding the password
	 */
	public AwsSecretsManagerCredentialProvider(SecretsManagerClient client, String secretId, String versionStage,
			String usernameField, String passwordField) {
		Assert.notNull(client, "client must not be null");
		Assert.hasText(secretId, "secretId must not be empty");
		Assert.hasText(versionStage, "versionStage must not be empty");
		Assert.hasText(usernameField, "usernameField must not be empty");
		Assert.hasText(passwordField, "passwordField must not be empty");
		this.client = client;
		this.secretId = secretId;
		this.versionStage = versionStage;
		this.usernameField = usernameField;
		this.passwordField = passwordField;
		this.request = GetSecretValueRequest.builder().secretId(secretId).versionStage(versionStage).build();
	}

	/**
	 * The region in a secret ARN ({@code arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf}).
	 * @param secretId a secret name or ARN
	 * @return the region, or {@code null} for a name
	 */
	public static @Nullable String regionOf(String secretId) {
		Matcher arn = ARN_REGION.matcher(secretId);
		return arn.find() ? arn.group(1) : null;
	}

	@Override
	public DbCredential fetch() throws Exception {
		GetSecretValueResponse response;
		try {
			response = this.client.getSecretValue(this.request);
		}
		catch (AwsServiceException ex) {
			throw nonRetryable(ex);
		}
		String text = (response.secretString() != null) ? response.secretString()
				: (response.secretBinary() != null) ? response.secretBinary().asString(StandardCharsets.UTF_8) : null;
		if (text == null || text.isBlank()) {
			throw new NonRetryableCredentialException(
					"Secret " + this.secretId + " (stage " + this.versionStage + ") holds no value");
		}
		if (!CredentialJson.isJson(text)) {
			return DbCredential.of(null, text.strip(), null);
		}
		try {
			// No expiry: a secret's password works until a rotation replaces it.
			return CredentialJson.parse(text, this.passwordField, this.usernameField);
		}
		catch (IOException ex) {
			// CredentialJson's message names the field at fault and never quotes the secret.
			throw new NonRetryableCredentialException(
					"Secret " + this.secretId + " (stage " + this.versionStage + ") is not a usable credential: "
							+ ex.getMessage() + "; it must be plain text (the password) or JSON with the fields '"
							+ this.usernameField + "' and '" + this.passwordField + "'");
		}
	}

	/** Answers a retry cannot change are reported as such; anything else is retried. */
	private Exception nonRetryable(AwsServiceException ex) {
		String code = (ex.awsErrorDetails() != null) ? ex.awsErrorDetails().errorCode() : null;
		String what = "Secret " + this.secretId + " (stage " + this.versionStage + ")";
		if (code == null) {
			return ex;
		}
		return switch (code) {
			case "ResourceNotFoundException" -> new NonRetryableCredentialException(what + " was not found: check the "
					+ "secret's name or ARN, its region and that the stage exists", ex);
			case "AccessDeniedException", "AccessDenied" -> new NonRetryableCredentialException(what + ": access denied; "
					+ "allow secretsmanager:GetSecretValue on the secret (and kms:Decrypt on its key) to this identity",
					ex);
			case "DecryptionFailure" -> new NonRetryableCredentialException(
					what + " cannot be decrypted with its KMS key; allow kms:Decrypt to this identity", ex);
			case "InvalidRequestException", "InvalidParameterException" ->
				new NonRetryableCredentialException(what + " cannot be read now (" + code + ")", ex);
			default -> ex;
		};
	}

	/**
	 * Close the client when the cache closes.
	 */
	@Override
	public AutoCloseable watch(Runnable listener) {
		return this.client::close;
	}

	@Override
	public String toString() {
		return "AwsSecretsManagerCredentialProvider[secretId=" + this.secretId + ", versionStage=" + this.versionStage
				+ "]";
	}

}
