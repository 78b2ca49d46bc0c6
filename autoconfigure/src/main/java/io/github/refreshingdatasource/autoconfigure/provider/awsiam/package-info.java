/**
 * The awsiam credential provider: its settings, factory and rejection hint.awsiam
 */
@NullMarked
package io.github.refreshingdatasource.autoconfigure.provider.awsiam;

import org.jspecify.annotations.NullMarked;
