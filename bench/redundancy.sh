#!/usr/bin/env bash
# The BENCHMARKS.md "Redundancy" figures (issue 6): RAID1 over 2 loop devices backed by
# /dev/shm files plus a third as the spare. 4k random-write IOPS with --bitmap none against an
# internal bitmap (mdadm's 64 MiB chunk, and 1 MiB) in interleaved rounds (order rotated per
# round), medians; idle rebuild speed against the spare's sequential write speed; client IOPS
# during a rebuild throttled by md's default limits against the same array idle (3 rounds).
# Needs root (loop devices). Loop devices and files are removed on exit, even on failure.
#
#   sudo bench/redundancy.sh           # SIZE per member (512M), RUNTIME seconds per run (3), ROUNDS (5)
#   sudo ONLY=rebuild bench/redundancy.sh   # just the idle rebuild against the spare's sequential write
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIZE="${SIZE:-512M}"
RUNTIME="${RUNTIME:-3}"
ROUNDS="${ROUNDS:-5}"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_root redundancy.sh
loop_members 3 "$SIZE" /dev/shm uraid-redundancy
(cd "$ROOT" && mvn -q -B -DskipTests package) >&2
if [ "${ONLY:-}" = rebuild ]; then
  cmd=(java -Xms128m -Xmx128m -cp "$ROOT/cli/target/uraid.jar" io.uraid.perf.RebuildBench "${LOOPS[@]}" "$ROUNDS")
else
  cmd=(java -Xms128m -Xmx128m -cp "$ROOT/cli/target/uraid.jar" io.uraid.perf.RedundancyBench "${LOOPS[@]}"
       "$RUNTIME" "$ROUNDS")
fi
echo "== ${cmd[*]}" >&2
"${cmd[@]}" 2> >(grep -v -e '^INFO' -e '^[A-Z][a-z][a-z] [0-9]' >&2)
