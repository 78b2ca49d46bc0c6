#!/usr/bin/env bash
# Regenerates every table of docs/performance.md (between the "benchmarks" markers), with the machine,
# JDK and load average: warm pool and physical login (alternating JMH forks, ratio of medians with a
# bootstrap interval), credential lookup, cost in the number of DataSources, latency through rotation,
# recovery from an early revocation. The soak is separate: benchmarks/soak.sh.
#
#   benchmarks/run.sh           # the full run, about 40 minutes on 2 CPUs; run it on a quiet machine
#   benchmarks/run.sh --quick   # smoke run (a few minutes): proves every harness runs, labels its figures
#                               # "smoke run on a loaded machine, not a result"
#
# Needs only a JDK 17+: the Maven Wrapper fetches everything else.
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -q -B -ntp -Pbenchmarks -pl benchmarks -am package -Dmaven.test.skip=true
java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
	io.github.refreshingdatasource.benchmarks.BenchmarkMain docs/performance.md "$@"
