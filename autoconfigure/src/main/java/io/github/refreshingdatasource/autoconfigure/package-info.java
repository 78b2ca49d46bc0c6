/**
 * Spring Boot auto-configuration: properties, provider selection, the DataSource bean
 * post-processor and startup failure analysis.
 */
@NullMarked
package io.github.refreshingdatasource.autoconfigure;

import org.jspecify.annotations.NullMarked;
