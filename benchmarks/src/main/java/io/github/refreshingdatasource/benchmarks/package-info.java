/**
 * JMH benchmarks of the credential binding against plain HikariCP, and a soak harness, both
 * on an embedded PostgreSQL that accepts only SCRAM-SHA-256 logins.
 */
@NullMarked
package io.github.refreshingdatasource.benchmarks;

import org.jspecify.annotations.NullMarked;
