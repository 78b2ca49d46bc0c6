/**
 * The {@code vault} provider: database credentials from HashiCorp Vault's database secrets
 * engine through Spring Vault, dynamic roles (leases renewed, new users at {@code max_ttl})
 * and static roles (passwords rotated by Vault). No Spring Boot types here.
 */
@NullMarked
package io.github.refreshingdatasource.credentials.provider.vault;

import org.jspecify.annotations.NullMarked;
