/**
 * The demo application: an embedded PostgreSQL whose logins rotate, a workload, and a dashboard.
 */
@NullMarked
package io.github.refreshingdatasource.sample;

import org.jspecify.annotations.NullMarked;
