/**
 * The JDBC fleet store: one row per credential source and field, in a table of its own.
 */
@NullMarked
package io.github.refreshingdatasource.coordination.jdbc;

import org.jspecify.annotations.NullMarked;
