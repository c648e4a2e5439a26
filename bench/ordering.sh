#!/usr/bin/env bash
# The BENCHMARKS.md "Ordered legs" figures (issue 12): what running ordered legs as linked chains
# saves against phases through the dispatcher. RAID1 over 2 loop devices backed by /dev/shm files
# plus a third as the spare: the idle rebuild (linked windows, phased windows, a bare copy and the
# spare's sequential write; io_uring_link tracepoint hits counted with perf over the run), then
# 4 KiB FUA write latency at QD1 (native RWF_DSYNC, emulated as write+fdatasync linked, phased).
# Needs root (loop devices, perf). Loop devices and files are removed on exit, even on failure.
#
#   sudo bench/ordering.sh        # SIZE per member (2G), ROUNDS (5), RUNTIME seconds per FUA run (3)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIZE="${SIZE:-2G}"
ROUNDS="${ROUNDS:-5}"
RUNTIME="${RUNTIME:-3}"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_root ordering.sh
loop_members 3 "$SIZE" /dev/shm uraid-ordering
(cd "$ROOT" && mvn -q -B -DskipTests package) >&2
java_cmd=(java -Xms128m -Xmx128m -cp "$ROOT/cli/target/uraid.jar")
quiet() { grep -v -e '^INFO' -e '^[A-Z][a-z][a-z] [0-9]' >&2; }
echo "== uptime: $(uptime)"
rebuild=("${java_cmd[@]}" io.uraid.perf.RebuildBench "${LOOPS[@]}" "$ROUNDS")
echo "== ${rebuild[*]}"
if command -v perf >/dev/null; then
  perf stat -e io_uring:io_uring_link,io_uring:io_uring_submit_req -- "${rebuild[@]}" 2> >(quiet)
else
  "${rebuild[@]}" 2> >(quiet)
fi
fua=("${java_cmd[@]}" io.uraid.perf.FuaBench "${LOOPS[0]}" "${LOOPS[1]}" "$RUNTIME" "$ROUNDS")
echo "== ${fua[*]}"
"${fua[@]}" 2> >(quiet)
echo "== uptime: $(uptime)"
