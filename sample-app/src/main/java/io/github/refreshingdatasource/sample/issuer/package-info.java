/**
 * The demo credential issuer, standing in for a cloud identity service or Vault: it sets fresh passwords on
 * the database and publishes them as the file the starter's {@code file} provider reads.
 */
@NullMarked
package io.github.refreshingdatasource.sample.issuer;

import org.jspecify.annotations.NullMarked;
