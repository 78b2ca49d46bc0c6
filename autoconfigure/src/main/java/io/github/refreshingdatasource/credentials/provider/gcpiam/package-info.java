/**
 * The {@code gcp-cloudsql-iam} provider: OAuth2 access tokens from the Google Auth Library
 * ({@code com.google.auth:google-auth-library-oauth2-http}) as the password of a Cloud SQL
 * IAM database user.
 */
@NullMarked
package io.github.refreshingdatasource.credentials.provider.gcpiam;

import org.jspecify.annotations.NullMarked;
