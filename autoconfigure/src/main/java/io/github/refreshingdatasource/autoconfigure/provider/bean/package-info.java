/**
 * The bean credential provider: its settings, factory and rejection hint.bean
 */
@NullMarked
package io.github.refreshingdatasource.autoconfigure.provider.bean;

import org.jspecify.annotations.NullMarked;
