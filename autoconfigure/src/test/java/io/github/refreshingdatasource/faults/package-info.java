/**
 * Fault injection against the whole path: a real embedded PostgreSQL that demands
 * SCRAM-SHA-256, a real local HTTP token endpoint that fails on command, and HikariCP pools
 * bound by the auto-configuration, under concurrent load. Every test counts what it claims:
 * failed queries, provider calls, logins, live threads.
 */
@NullMarked
package io.github.refreshingdatasource.faults;

import org.jspecify.annotations.NullMarked;
