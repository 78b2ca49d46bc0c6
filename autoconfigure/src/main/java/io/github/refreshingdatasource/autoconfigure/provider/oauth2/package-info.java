/**
 * The oauth2 credential provider: its settings, factory and rejection hint.oauth2
 */
@NullMarked
package io.github.refreshingdatasource.autoconfigure.provider.oauth2;

import org.jspecify.annotations.NullMarked;
