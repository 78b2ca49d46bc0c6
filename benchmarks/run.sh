#!/usr/bin/env bash
# Runs the JMH benchmarks against plain HikariCP on an embedded PostgreSQL (scram-sha-256)
# and writes the results table into docs/performance.md.
#
#   benchmarks/run.sh           # the full run, about 7 minutes
#   benchmarks/run.sh --quick   # one short iteration each, to check that everything runs
#
# Needs only a JDK 17+: the Maven Wrapper fetches everything else.
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -q -B -ntp -Pbenchmarks -pl benchmarks -am package -Dmaven.test.skip=true
java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
	io.github.refreshingdatasource.benchmarks.BenchmarkMain docs/performance.md "$@"
