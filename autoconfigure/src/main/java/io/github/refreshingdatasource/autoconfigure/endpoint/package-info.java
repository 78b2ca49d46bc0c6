/**
 * The {@code dbcredentials} Actuator endpoint.
 */
@NullMarked
package io.github.refreshingdatasource.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
