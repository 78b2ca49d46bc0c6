/**
 * The file credential provider: its settings, factory and rejection hint.file
 */
@NullMarked
package io.github.refreshingdatasource.autoconfigure.provider.file;

import org.jspecify.annotations.NullMarked;
