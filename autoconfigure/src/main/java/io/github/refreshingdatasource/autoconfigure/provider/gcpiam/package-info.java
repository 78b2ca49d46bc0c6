/**
 * The gcp-cloudsql-iam credential provider: its settings, factory and rejection hint.
 */
@NullMarked
package io.github.refreshingdatasource.autoconfigure.provider.gcpiam;

import org.jspecify.annotations.NullMarked;
