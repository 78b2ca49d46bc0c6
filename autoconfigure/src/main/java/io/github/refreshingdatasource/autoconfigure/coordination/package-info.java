/**
 * Auto-configuration of fleet coordination: the Redis and JDBC backends, each present only
 * when its libraries are, and the meters of the coordinated DataSources.
 */
@NullMarked
package io.github.refreshingdatasource.autoconfigure.coordination;

import org.jspecify.annotations.NullMarked;
