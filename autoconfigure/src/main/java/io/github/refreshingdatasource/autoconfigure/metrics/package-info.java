/**
 * Micrometer metrics of the credential caches: refresh timer, expiry and age gauges,
 * rejected-login and retry counters.
 */
@NullMarked
package io.github.refreshingdatasource.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
