package com.microsoft.aad.msal4j;

import java.util.Map;

/**
 * Points MSAL's managed identity detection at test values instead of the process
 * environment, through the seam msal4j's own tests use
 * ({@code ManagedIdentityApplication.setEnvironmentVariables}, package-private, hence this
 * class in MSAL's package). The JVM cannot change its own environment variables, and the
 * App Service managed identity source is found only through {@code IDENTITY_ENDPOINT} and
 * {@code IDENTITY_HEADER}.
 */
public final class ManagedIdentityTestEnvironment {

	private ManagedIdentityTestEnvironment() {
	}

	/**
	 * Use the given variables, and no others, for managed identity detection.
	 * @param variables the variables, e.g. {@code IDENTITY_ENDPOINT}
	 */
	public static void use(Map<String, String> variables) {
		ManagedIdentityApplication.setEnvironmentVariables(variables::get);
	}

	/**
	 * Go back to the process environment.
	 */
	public static void reset() {
		ManagedIdentityApplication.setEnvironmentVariables(new EnvironmentVariables());
	}

}
