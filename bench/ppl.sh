#!/usr/bin/env bash
# The BENCHMARKS.md "Partial parity log" figures (issue 13): what md's PPL costs raid5 on 4 KiB
# random writes at depth 32. raid5 over 4 loop devices backed by /dev/shm files, created as
# consistency policy resync (no bitmap, no log), bitmap and ppl in turn, interleaved rounds
# (order rotated), medians (io.uraid.perf.PplBench). Needs root (loop devices); loop devices and
# files are removed on exit, even on failure.
#
#   sudo bench/ppl.sh        # SIZE per member (256M), RUNTIME seconds per run (5), ROUNDS (3)
#   sudo DIR=/var/tmp bench/ppl.sh   # members backed by files on a disk file system instead
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIZE="${SIZE:-256M}"
RUNTIME="${RUNTIME:-5}"
ROUNDS="${ROUNDS:-3}"
DIR="${DIR:-/dev/shm}"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_root ppl.sh
loop_members 4 "$SIZE" "$DIR" uraid-ppl
(cd "$ROOT" && mvn -q -B -o -DskipTests package) >&2
cmd=(java -Xms256m -Xmx256m -cp "$ROOT/cli/target/uraid.jar" io.uraid.perf.PplBench "${LOOPS[@]}"
     --seconds "$RUNTIME" --rounds "$ROUNDS")
echo "== ${cmd[*]}" >&2
"${cmd[@]}" 2> >(grep -v -e '^INFO' -e '^[A-Z][a-z][a-z] [0-9]' >&2)
