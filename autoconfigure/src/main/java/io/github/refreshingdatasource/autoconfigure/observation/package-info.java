/**
 * Micrometer Observation of every credential fetch, so refreshes show up in traces.
 */
@NullMarked
package io.github.refreshingdatasource.autoconfigure.observation;

import org.jspecify.annotations.NullMarked;
