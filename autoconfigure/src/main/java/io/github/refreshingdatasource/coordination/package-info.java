/**
 * Fleet coordination: many replicas of an application share one credential life through
 * a {@link io.github.refreshingdatasource.coordination.FleetStore} and the locks of a
 * Spring Integration {@code LockRegistry}. No Redis or JDBC type here: the backends live in
 * the {@code redis} and {@code jdbc} sub-packages.
 */
@NullMarked
package io.github.refreshingdatasource.coordination;

import org.jspecify.annotations.NullMarked;
