/**
 * The command credential provider: its settings, factory and rejection hint.command
 */
@NullMarked
package io.github.refreshingdatasource.autoconfigure.provider.command;

import org.jspecify.annotations.NullMarked;
