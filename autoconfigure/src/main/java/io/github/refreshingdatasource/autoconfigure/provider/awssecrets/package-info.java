/**
 * The aws-secrets-manager credential provider: its settings, factory and rejection hint.
 */
@NullMarked
package io.github.refreshingdatasource.autoconfigure.provider.awssecrets;

import org.jspecify.annotations.NullMarked;
