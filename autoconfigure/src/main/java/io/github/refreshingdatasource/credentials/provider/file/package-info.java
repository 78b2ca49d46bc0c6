/**
 * A credential provider that reads a file kept current by something else: Vault Agent, a
 * Kubernetes secret mount, any rotator. No Spring Boot types here.
 */
@NullMarked
package io.github.refreshingdatasource.credentials.provider.file;

import org.jspecify.annotations.NullMarked;
