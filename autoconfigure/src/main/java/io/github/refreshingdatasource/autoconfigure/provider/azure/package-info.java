/**
 * The azure credential provider: its settings, factory and rejection hint.azure
 */
@NullMarked
package io.github.refreshingdatasource.autoconfigure.provider.azure;

import org.jspecify.annotations.NullMarked;
