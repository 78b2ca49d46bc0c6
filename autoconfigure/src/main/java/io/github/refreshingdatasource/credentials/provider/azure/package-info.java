/**
 * The {@code azure} provider: a Microsoft Entra ID access token from Azure Identity
 * ({@code com.azure:azure-identity}) as the password. No Spring Boot types here.
 */
@NullMarked
package io.github.refreshingdatasource.credentials.provider.azure;

import org.jspecify.annotations.NullMarked;
