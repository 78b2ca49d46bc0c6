/**
 * Binding a credential cache to an R2DBC {@code ConnectionFactory}: the credential of every
 * connection attempt, and rejected logins replaced.
 */
@NullMarked
package io.github.refreshingdatasource.r2dbc;

import org.jspecify.annotations.NullMarked;
