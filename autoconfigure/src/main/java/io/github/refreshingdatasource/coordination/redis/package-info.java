/**
 * The Redis fleet store: one hash per credential source, through Spring Data Redis.
 */
@NullMarked
package io.github.refreshingdatasource.coordination.redis;

import org.jspecify.annotations.NullMarked;
