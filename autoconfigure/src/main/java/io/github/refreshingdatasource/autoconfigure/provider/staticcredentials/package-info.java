/**
 * The staticcredentials credential provider: its settings, factory and rejection hint.staticcredentials
 */
@NullMarked
package io.github.refreshingdatasource.autoconfigure.provider.staticcredentials;

import org.jspecify.annotations.NullMarked;
