/**
 * A background workload of reads and writes whose outcomes are counted as metrics.
 */
@NullMarked
package io.github.refreshingdatasource.sample.workload;

import org.jspecify.annotations.NullMarked;
