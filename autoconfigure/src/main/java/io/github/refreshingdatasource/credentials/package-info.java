/**
 * The credential engine: one {@link io.github.refreshingdatasource.credentials.CredentialCache}
 * per DataSource keeps a valid {@link io.github.refreshingdatasource.credentials.DbCredential},
 * fetched from a {@link io.github.refreshingdatasource.credentials.CredentialProvider}. No Spring
 * Boot types here.
 */
@NullMarked
package io.github.refreshingdatasource.credentials;

import org.jspecify.annotations.NullMarked;
