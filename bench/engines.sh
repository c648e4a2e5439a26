#!/usr/bin/env bash
# Engines benchmark (device-io): uraid engine-bench against fio on the same loop device, backed by
# a file in /dev/shm (a memory-speed device, so the software path is what is measured). fio and
# uraid runs are interleaved (fio, uraid, fio, uraid, ...) for ROUNDS rounds per case, so a noisy
# neighbour hurts both alike; medians and uraid/fio ratios are printed as a markdown table.
#
# Usage (root): bench/engines.sh            ROUNDS=5 RUNTIME=10 bench/engines.sh
#   ROUNDS   rounds per case (default 3)      RUNTIME  measured seconds per run (default 5)
#   SIZE     size of the /dev/shm file (default 512M)   CASES  only the cases whose name matches (grep -E)
#   OUT      where JSON results go (default bench-out/engines-<time>)
# bench/engines.sh --report DIR   prints the table again from the JSON files of an earlier run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${ROUNDS:-3}"
RUNTIME="${RUNTIME:-5}"
RAMP=1
SIZE="${SIZE:-512M}"
CASES="${CASES:-.}"
OUT="${OUT:-$ROOT/bench-out/engines-$(date +%Y%m%d-%H%M%S)}"

# name  uraid-engine  fio-engine  rw  bs  iodepth
CASE_LIST="
randread-4k-qd32     io_uring  io_uring  randread   4k  32
randread-4k-qd1      io_uring  io_uring  randread   4k  1
randwrite-4k-qd32    io_uring  io_uring  randwrite  4k  32
read-1m-qd8          io_uring  io_uring  read       1M  8
aio-randread-4k-qd32 libaio    libaio    randread   4k  32
aio-randread-4k-qd1  libaio    libaio    randread   4k  1
portable-randread-4k-qd1 portable psync  randread   4k  1
"

die() { echo "engines.sh: $*" >&2; exit 1; }
REPORT_ONLY=""
if [ "${1:-}" = "--report" ]; then
  [ -d "${2:-}" ] || die "--report needs the directory of an earlier run"
  OUT="$2"
  REPORT_ONLY=1
fi

if [ -z "$REPORT_ONLY" ]; then
[ "$(id -u)" = 0 ] || die "needs root (it attaches a loop device)"
command -v fio >/dev/null || die "fio is not installed"
command -v losetup >/dev/null || die "losetup is not installed"
command -v python3 >/dev/null || die "python3 is not installed (computes the medians)"
[ -d /dev/shm ] || die "/dev/shm is missing"

BACKING=""
LOOP=""
cleanup() {
  if [ -n "$LOOP" ]; then losetup -d "$LOOP" || echo "engines.sh: could not detach $LOOP" >&2; fi
  if [ -n "$BACKING" ]; then rm -f "$BACKING"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$ROOT/uraid" --version >/dev/null   # builds the jar first if needed
mkdir -p "$OUT"
BACKING="$(mktemp -p /dev/shm uraid-engines.XXXXXX)"
# Written, not sparse: reads then copy real pages instead of zero-filling holes.
dd if=/dev/zero of="$BACKING" bs=1M count="$(numfmt --from=iec "$SIZE" | awk '{print int($1/1048576)}')" status=none
LOOP="$(losetup -f --show "$BACKING")"
echo "engines.sh: $LOOP on $BACKING ($SIZE), $ROUNDS rounds of ${RUNTIME}s (+${RAMP}s ramp), results in $OUT" >&2


LIMIT=$((RUNTIME + RAMP + 60))   # a hung run fails the script instead of stalling it

run_fio() { # engine rw bs depth out
  timeout "$LIMIT" fio --name=engines --filename="$LOOP" --ioengine="$1" --direct=1 --rw="$2" --bs="$3" --iodepth="$4" \
      --numjobs=1 --thread --size="$SIZE" --runtime="$RUNTIME" --ramp_time="$RAMP" --time_based \
      --norandommap --randrepeat=0 --lat_percentiles=1 --output-format=json --output="$5" >/dev/null
}

run_uraid() { # engine rw bs depth out
  timeout "$LIMIT" "$ROOT/uraid" engine-bench --device "$LOOP" --engine "$1" --rw "$2" --bs "$3" --iodepth "$4" \
      --size "$SIZE" --runtime "$RUNTIME" --ramp "$RAMP" --json >"$5"
}

echo "$CASE_LIST" | while read -r name ueng feng rw bs depth; do
  [ -n "$name" ] || continue
  echo "$name" | grep -Eq "$CASES" || continue
  for round in $(seq 1 "$ROUNDS"); do
    echo "engines.sh: $name round $round/$ROUNDS" >&2
    run_fio "$feng" "$rw" "$bs" "$depth" "$OUT/$name.fio.$round.json"
    run_uraid "$ueng" "$rw" "$bs" "$depth" "$OUT/$name.uraid.$round.json"
  done
done
fi

python3 - "$OUT" "$CASE_LIST" <<'PY'
import json, os, statistics, sys
out, cases = sys.argv[1], [l.split() for l in sys.argv[2].strip().splitlines() if l.strip()]

def load(path, rw):
    job = json.load(open(path))["jobs"][0]
    d = job["write" if "write" in rw else "read"]
    # Issue-to-completion latency: fio's lat_ns (with --lat_percentiles=1), uraid's histogram.
    lat = d.get("lat_ns", {}).get("percentile") or d["clat_ns"]["percentile"]
    return d["iops"], d["bw"] * 1024 / 1e6, lat["50.000000"] / 1000.0, lat["99.000000"] / 1000.0

print("| case | engines (uraid / fio) | IOPS uraid / fio | IOPS ratio | MB/s uraid / fio | BW ratio "
      "| p50 µs uraid / fio | p99 µs uraid / fio | p99 Δ µs |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
for name, ueng, feng, rw, bs, depth in cases:
    runs = {}
    for tool in ("uraid", "fio"):
        files = sorted(f for f in os.listdir(out) if f.startswith(name + "." + tool + "."))
        if files:
            runs[tool] = [load(os.path.join(out, f), rw) for f in files]
    if len(runs) < 2:
        continue
    med = {t: [statistics.median(x[i] for x in v) for i in range(4)] for t, v in runs.items()}
    u, f = med["uraid"], med["fio"]
    print(f"| {name} ({len(runs['uraid'])} rounds) | {ueng} / {feng} | {u[0]:,.0f} / {f[0]:,.0f} | "
          f"{u[0] / f[0]:.2f} | {u[1]:,.1f} / {f[1]:,.1f} | {u[1] / f[1]:.2f} | {u[2]:.1f} / {f[2]:.1f} | "
          f"{u[3]:.1f} / {f[3]:.1f} | {u[3] - f[3]:+.1f} |")
PY
