/**
 * The {@code dbcredentials} health indicator.
 */
@NullMarked
package io.github.refreshingdatasource.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
