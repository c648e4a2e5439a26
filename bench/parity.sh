#!/usr/bin/env bash
# The BENCHMARKS.md "RAID5 and RAID6" set: RAID5 and RAID6 over 4 loop devices backed by /dev/shm
# files, each workload as interleaved rounds of the raw members and the array (uraid bench
# --compare, medians):
#   full-stripe sequential write (bs = one stripe: 3 x 256 KiB for raid5, 2 x 256 KiB for raid6)
#   and 1 MiB sequential write, against the raw members' aggregate write (1 MiB also with the
#   stripe cache off, --stripe-cache 0: the partial stripes of each write are not gathered);
#   4 KiB random write QD32 (read-modify-write or reconstruct-write), against raw IOPS;
#   4 KiB random read QD32 healthy and with member 1 failed (--fail 1: degraded reads rebuilt
#   from the others), alternated ROUNDS times.
# Needs root (loop devices). Loop devices and files are removed on exit, even on failure.
#
#   sudo bench/parity.sh               # results in bench-out/parity/
#
# Knobs (environment): SIZE per member (1G), RUNTIME seconds per round (5), RAMP (1), ROUNDS (3),
# JAVA_OPTS for the bench JVM.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${OUT:-$ROOT/bench-out/parity}"
SIZE="${SIZE:-1G}"
RUNTIME="${RUNTIME:-5}"
RAMP="${RAMP:-1}"
ROUNDS="${ROUNDS:-3}"
export URAID_JAVA_OPTS="${JAVA_OPTS:--Xms256m -Xmx256m -Xmn160m}"

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_root parity.sh

loop_members 4 "$SIZE" /dev/shm uraid-parity
mkdir -p "$OUT"
rm -f "$OUT"/*.txt "$OUT"/commands
(cd "$ROOT" && mvn -q -B -DskipTests -Duraid.deb.skip package) >&2

COMMON=(--rounds "$ROUNDS" --runtime "$RUNTIME" --ramp "$RAMP" --inline)
run() {
  local name="$1"; shift
  echo "== $name: ./uraid bench $*" >&2
  echo "$name ./uraid bench $*" >> "$OUT/commands"
  (cd "$ROOT" && ./uraid bench "$@") | tee "$OUT/$name.txt"
}

for level in raid5 raid6; do
  stripe=$([ "$level" = raid5 ] && echo 768k || echo 512k)
  run "$level-create" --level "$level" --chunk 256K --force --size 64M --rw write --bs 1M --iodepth 16 "${LOOPS[@]}"
  run "$level-write-stripe" --assemble --compare "${COMMON[@]}" --rw write --bs "$stripe" --iodepth 16 "${LOOPS[@]}"
  run "$level-write-1m"     --assemble --compare "${COMMON[@]}" --rw write --bs 1M --iodepth 16 "${LOOPS[@]}"
  # The same with the stripe cache off: each 1 MiB write's partial stripes read what they miss.
  run "$level-write-1m-alone" --assemble --compare "${COMMON[@]}" --stripe-cache 0 --rw write --bs 1M --iodepth 16 \
      "${LOOPS[@]}"
  run "$level-randwrite-qd32" --assemble --compare "${COMMON[@]}" --rw randwrite --bs 4k --iodepth 32 "${LOOPS[@]}"
  for r in $(seq "$ROUNDS"); do
    run "$level-randread-healthy-$r" --assemble --rounds 1 --runtime "$RUNTIME" --ramp "$RAMP" --inline \
        --rw randread --bs 4k --iodepth 32 "${LOOPS[@]}"
    run "$level-randread-degraded-$r" --assemble --fail 1 --rounds 1 --runtime "$RUNTIME" --ramp "$RAMP" --inline \
        --rw randread --bs 4k --iodepth 32 "${LOOPS[@]}"
  done
done
echo "results: $OUT" >&2
