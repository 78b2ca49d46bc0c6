#!/usr/bin/env bash
# Soak run: a Spring Boot application using the starter (file provider, credentials rotating
# between two roles every few seconds, 16 querying threads, pool evicted every second) on an
# embedded PostgreSQL (scram-sha-256). Prints queries run, failed queries, provider fetches,
# rejections, provider reads per rotation and query times around vs between rotations;
# exits with status 1 if a query failed.
#
#   benchmarks/soak.sh [minutes (default 10)] [seconds between rotations (default 3)]
#
# Needs only a JDK 17+: the Maven Wrapper fetches everything else.
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -q -B -ntp -Pbenchmarks -pl benchmarks -am package -Dmaven.test.skip=true
exec java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
	io.github.refreshingdatasource.benchmarks.Soak "$@"
