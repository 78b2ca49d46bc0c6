/**
 * What a credential provider type implements (one factory interface) and how it is selected.
 */
@NullMarked
package io.github.refreshingdatasource.autoconfigure.provider;

import org.jspecify.annotations.NullMarked;
