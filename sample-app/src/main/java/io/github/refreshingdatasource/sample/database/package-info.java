/**
 * The demo's database: an embedded PostgreSQL that accepts only SCRAM-SHA-256 logins, and the administrator
 * connection the demo issuer uses to set passwords.
 */
@NullMarked
package io.github.refreshingdatasource.sample.database;

import org.jspecify.annotations.NullMarked;
