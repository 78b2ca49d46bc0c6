/**
 * Test fixtures shared by tests in several packages, such as a real PostgreSQL that demands
 * SCRAM-SHA-256 passwords.
 */
@NullMarked
package io.github.refreshingdatasource.testsupport;

import org.jspecify.annotations.NullMarked;
