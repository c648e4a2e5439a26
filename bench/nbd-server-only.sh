#!/usr/bin/env bash
# The NBD layer alone: fio's nbd engine against uraid's NBD server over a RAM target
# (bench/MemoryExport.java) and against nbdkit's memory plugin, same client settings,
# interleaved rounds, medians. No array, no disks: what the protocol handling costs.
#
# Usage: bench/nbd-server-only.sh [ROUNDS] [SECONDS]     defaults: 3 rounds, 5 s per run
set -euo pipefail
ROUNDS=${1:-3}
SECS=${2:-5}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/cli/target/uraid.jar"
for t in fio nbdkit java python3; do
  command -v $t >/dev/null || { echo "nbd-server-only.sh: $t is not installed" >&2; exit 1; }
done
[ -f "$JAR" ] || (cd "$ROOT" && mvn -q -B -o -DskipTests package)
W=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$W"
}
trap cleanup EXIT
CP="$JAR:$(ls "$ROOT"/cli/target/lib/*.jar | tr '\n' ':')"
java -cp "$CP" "$ROOT/bench/MemoryExport.java" "$W/uraid.sock" 512 2>"$W/uraid.log" &
PIDS+=($!)
nbdkit -f -U "$W/nbdkit.sock" memory 512M 2>"$W/nbdkit.log" &
PIDS+=($!)
for s in uraid nbdkit; do
  for _ in $(seq 200); do [ -S "$W/$s.sock" ] && break; sleep 0.1; done
  [ -S "$W/$s.sock" ] || { echo "$s did not start" >&2; cat "$W/$s.log" >&2; exit 1; }
done
declare -A URI=([uraid-nbd]="nbd+unix:///mem?socket=$W/uraid.sock" [nbdkit-memory]="nbd+unix:///?socket=$W/nbdkit.sock")
declare -A WORK=([write-1M-qd8]="--rw=write --bs=1M --iodepth=8" [read-1M-qd8]="--rw=read --bs=1M --iodepth=8"
                 [randread-4k-qd64]="--rw=randread --bs=4k --iodepth=64")
: > "$W/res"
for r in $(seq "$ROUNDS"); do
  for w in write-1M-qd8 read-1M-qd8 randread-4k-qd64; do
    for t in uraid-nbd nbdkit-memory; do
      # shellcheck disable=SC2086
      fio --name=b --size=256M --runtime="$SECS" --time_based --ramp_time=1 --ioengine=nbd --uri="${URI[$t]}" \
          ${WORK[$w]} --output-format=json --output="$W/fio.json" 2>"$W/fio.err" \
        || { echo "fio failed for $t $w: $(cat "$W/fio.err")" >&2; exit 1; }
      python3 "$ROOT/bench/fio_line.py" "$W/fio.json" "$t" "$w" >> "$W/res"
    done
  done
done
echo "fio $(fio --version), $ROUNDS rounds x ${SECS}s, medians; numjobs=1, one connection"
python3 - "$W/res" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    t, w, iops, mib = line.split()
    rows[(t, w)].append((float(iops), float(mib)))
works = ["write-1M-qd8", "read-1M-qd8", "randread-4k-qd64"]
print("| target | " + " | ".join(works) + " |")
print("|---|" + "---|" * len(works))
for t in ["uraid-nbd", "nbdkit-memory"]:
    cells = []
    for w in works:
        v = rows[(t, w)]
        cells.append("%.0f MiB/s" % statistics.median(x[1] for x in v) if "1M" in w
                     else "%.0f IOPS" % statistics.median(x[0] for x in v))
    print("| %s | %s |" % (t, " | ".join(cells)))
PY
