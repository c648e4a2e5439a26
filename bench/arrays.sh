#!/usr/bin/env bash
# The BENCHMARKS.md "Arrays" set: RAID0 over 4 and RAID1 over 2 loop devices backed by
# /dev/shm files, each workload run as interleaved rounds of raw members, array and fio
# (uraid bench --compare --vs-fio --inline), plus a QD1 latency run, a 30 s steady-state run and
# one run with the default producer-thread hand-off for contrast.
# Needs root (loop devices) and fio. Loop devices and files are removed on exit, even on failure.
#
#   sudo bench/arrays.sh               # results in bench-out/arrays/ (tables, JSON, plots)
#   sudo UPDATE=1 bench/arrays.sh      # also rewrites BENCHMARKS.md "## Arrays" and docs/bench/*.png
#
# Knobs (environment): SIZE per member (1G), RUNTIME seconds per round (5), RAMP (1), ROUNDS (3),
# STEADY seconds (30), JAVA_OPTS for the bench JVM (-Xmx128m).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${OUT:-$ROOT/bench-out/arrays}"
SIZE="${SIZE:-1G}"
RUNTIME="${RUNTIME:-5}"
RAMP="${RAMP:-1}"
ROUNDS="${ROUNDS:-3}"
STEADY="${STEADY:-30}"
# A fixed heap with a roomy young generation: the jnr-ffi syscall path allocates a little per
# io_uring_enter (see BENCHMARKS.md), which must not add up to a collection within a run.
export URAID_JAVA_OPTS="${JAVA_OPTS:--Xms128m -Xmx128m -Xmn96m}"

. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_root arrays.sh
command -v fio >/dev/null || { echo "arrays.sh: fio is not installed" >&2; exit 2; }

loop_members 4 "$SIZE" /dev/shm uraid-arrays
R0=("${LOOPS[@]}")
R1=("${LOOPS[0]}" "${LOOPS[1]}")
mkdir -p "$OUT"
rm -f "$OUT"/*.txt "$OUT"/*.json "$OUT"/*.png "$OUT"/commands
(cd "$ROOT" && mvn -q -B -DskipTests package) >&2

# --inline: the completion thread issues the next request, as fio's loop does (see BENCHMARKS.md).
COMMON=(--compare --vs-fio --rounds "$ROUNDS" --runtime "$RUNTIME" --ramp "$RAMP" --inline)
# run NAME ARGS... : one bench, its table in NAME.txt, JSON and plot beside it.
run() {
  local name="$1"; shift
  local cmd=(./uraid bench "$@" --json-out "$OUT/$name.json" --plot "$OUT/$name.png")
  echo "== $name: ${cmd[*]}" >&2
  echo "$name ./uraid bench $*" >> "$OUT/commands"
  (cd "$ROOT" && "${cmd[@]}") | tee "$OUT/$name.txt"
}

run r0-randread-qd32   --level raid0 --chunk 512K --force "${COMMON[@]}" --rw randread  --bs 4k --iodepth 32  "${R0[@]}"
run r0-randread-qd128  --assemble "${COMMON[@]}" --rw randread  --bs 4k --iodepth 128 "${R0[@]}"
run r0-randread-qd128-producer --assemble --compare --vs-fio --rounds "$ROUNDS" --runtime "$RUNTIME" --ramp "$RAMP" \
                       --rw randread --bs 4k --iodepth 128 "${R0[@]}"
run r0-randwrite-qd32  --assemble "${COMMON[@]}" --rw randwrite --bs 4k --iodepth 32  "${R0[@]}"
run r0-randwrite-qd128 --assemble "${COMMON[@]}" --rw randwrite --bs 4k --iodepth 128 "${R0[@]}"
run r0-read-1m         --assemble "${COMMON[@]}" --rw read      --bs 1M --iodepth 16  "${R0[@]}"
run r0-write-1m        --assemble "${COMMON[@]}" --rw write     --bs 1M --iodepth 16  "${R0[@]}"
run r1-randread-qd32   --level raid1 --force "${COMMON[@]}" --rw randread  --bs 4k --iodepth 32  "${R1[@]}"
run r1-randread-qd128  --assemble "${COMMON[@]}" --rw randread  --bs 4k --iodepth 128 "${R1[@]}"
run r1-randwrite-qd32  --assemble "${COMMON[@]}" --rw randwrite --bs 4k --iodepth 32  "${R1[@]}"
run r1-randwrite-qd128 --assemble "${COMMON[@]}" --rw randwrite --bs 4k --iodepth 128 "${R1[@]}"
run r1-read-1m         --assemble "${COMMON[@]}" --rw read      --bs 1M --iodepth 16  "${R1[@]}"
run r1-write-1m        --assemble "${COMMON[@]}" --rw write     --bs 1M --iodepth 16  "${R1[@]}"
run r1-randread-qd1    --assemble "${COMMON[@]}" --rw randread  --bs 4k --iodepth 1   "${R1[@]}"
run r0-steady          --level raid0 --chunk 512K --force --runtime "$STEADY" --ramp 2 --inline --rw randread --bs 4k \
                       --iodepth 32 --hlog "$OUT/r0-steady.hlog" "${R0[@]}"

python3 "$ROOT/bench/arrays_md.py" "$OUT" > "$OUT/arrays.md"
echo "results: $OUT/arrays.md" >&2
if [ "${UPDATE:-0}" = 1 ]; then
  mkdir -p "$ROOT/docs/bench"
  for p in r0-randread-qd128 r1-randwrite-qd32 r0-read-1m r0-write-1m r1-randread-qd1 r0-steady; do
    cp "$OUT/$p.png" "$ROOT/docs/bench/$p.png"
  done
  python3 "$ROOT/bench/arrays_md.py" --splice "$ROOT/BENCHMARKS.md" "$OUT"
fi
