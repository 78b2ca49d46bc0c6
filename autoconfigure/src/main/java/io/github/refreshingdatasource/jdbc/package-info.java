/**
 * Binding a credential cache to a JDBC connection pool (HikariCP), and telling rejected
 * logins apart from other connection failures.
 */
@NullMarked
package io.github.refreshingdatasource.jdbc;

import org.jspecify.annotations.NullMarked;
