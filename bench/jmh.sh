#!/usr/bin/env bash
# Runs the JMH micro-benchmarks of the perf module (mappers, request ring, request path with
# leg completion). Arguments go to JMH, e.g.:
#   bench/jmh.sh                        # everything, default iterations
#   bench/jmh.sh MapperBench -f 1 -wi 2 -i 3
#   bench/jmh.sh RequestPathBench -p path=raid1-write -prof gc
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
(cd "$ROOT" && mvn -q -B -DskipTests package) >&2
exec java -cp "$ROOT/cli/target/lib/*" org.openjdk.jmh.Main "$@"
