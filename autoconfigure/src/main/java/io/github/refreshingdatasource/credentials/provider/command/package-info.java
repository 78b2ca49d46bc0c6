/**
 * A credential provider that runs a program and reads the credential from its standard
 * output ({@code az account get-access-token}, {@code vault read}, a script). No Spring Boot
 * types here.
 */
@NullMarked
package io.github.refreshingdatasource.credentials.provider.command;

import org.jspecify.annotations.NullMarked;
