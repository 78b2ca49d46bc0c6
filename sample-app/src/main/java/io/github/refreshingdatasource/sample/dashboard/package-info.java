/**
 * The dashboard's data: credential state, refresh timeline and workload counts, without any secret.
 */
@NullMarked
package io.github.refreshingdatasource.sample.dashboard;

import org.jspecify.annotations.NullMarked;
