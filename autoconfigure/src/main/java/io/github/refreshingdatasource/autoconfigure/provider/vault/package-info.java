/**
 * The {@code vault} credential provider: its settings, factory and rejection hint.
 */
@NullMarked
package io.github.refreshingdatasource.autoconfigure.provider.vault;

import org.jspecify.annotations.NullMarked;
