/**
 * Credential providers that need no SDK: a fixed login for development and the helper that
 * reads the JSON credential documents written by rotators and printed by programs. Each source
 * with its own mechanics sits in a sub-package. No Spring Boot types here.
 */
@NullMarked
package io.github.refreshingdatasource.credentials.provider;

import org.jspecify.annotations.NullMarked;
