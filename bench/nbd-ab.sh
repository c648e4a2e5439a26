#!/usr/bin/env bash
# Two or more builds of uraid side by side over NBD: one daemon per build, each exporting its
# own RAID1 over two /dev/shm-backed loop devices, plus nbdkit's file plugin on a third loop
# device as the common reference; fio's nbd engine runs the same job against every target in
# interleaved rounds; medians and ratios against nbdkit. Use it to decide whether a change to
# the request path pays: on a shared host single runs swing by a fifth, side-by-side medians
# do not.
#
# Usage (root; fio with the nbd engine, nbdkit, jshell):
#   bench/nbd-ab.sh WORK ROUNDS SECONDS NAME=CLI_TARGET_DIR [NAME=CLI_TARGET_DIR ...]
#   WORK: w1m (write 1M QD8), r1m (read 1M QD8), rr (randread 4k QD64), w4k (randwrite 4k QD64)
#   CLI_TARGET_DIR: a copy of a build's cli/target (uraid.jar and lib/), e.g.
#     git worktree add /tmp/old HEAD~1 && (cd /tmp/old && mvn -q -B -DskipTests package) && cp -r /tmp/old/cli/target /tmp/jold
#     bench/nbd-ab.sh w1m 10 4 old=/tmp/jold new=cli/target
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ $# -ge 4 ] || { sed -n '2,14p' "$0" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "nbd-ab.sh: needs root (loop devices)" >&2; exit 1; }
WORK=$1; ROUNDS=$2; SECS=$3; shift 3
case $WORK in
  rr) K="--rw=randread --bs=4k --iodepth=64"; FIELD=iops ;;
  w4k) K="--rw=randwrite --bs=4k --iodepth=64"; FIELD=iops ;;
  r1m) K="--rw=read --bs=1M --iodepth=8"; FIELD=bw ;;
  w1m) K="--rw=write --bs=1M --iodepth=8"; FIELD=bw ;;
  *) echo "nbd-ab.sh: unknown work $WORK (w1m, r1m, rr, w4k)" >&2; exit 2 ;;
esac
W=$(mktemp -d /dev/shm/uraid-nbdab.XXXXXX)
LOOPS=(); PIDS=(); NAMES=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  for l in "${LOOPS[@]}"; do
    for _ in $(seq 20); do losetup -d "$l" 2>/dev/null && break; sleep 0.25; done
  done
  rm -rf "$W"
}
trap cleanup EXIT
loop() { truncate -s 512M "$W/$1.img"; DEV=$(losetup -f --show "$W/$1.img"); LOOPS+=("$DEV"); }

for v in "$@"; do
  name=${v%%=*}; dir=${v#*=}
  [ -f "$dir/uraid.jar" ] || { echo "nbd-ab.sh: no uraid.jar in $dir" >&2; exit 2; }
  NAMES+=("$name")
  loop "${name}a"; A=$DEV; loop "${name}b"; B=$DEV
  CP="$dir/uraid.jar:$(ls "$dir"/lib/*.jar | tr '\n' ':')"
  jshell --class-path "$CP" -q - >/dev/null <<JSH
var e = io.uraid.io.IoEngines.openBest(64);
io.uraid.core.assembly.ArrayCreator.create(new io.uraid.core.assembly.CreateSpec("r1", "bench", io.uraid.core.spi.LevelRegistry.byName("raid1"), 2, 0, -1, java.util.List.of(java.nio.file.Path.of("$A"), java.nio.file.Path.of("$B")), false, true), e);
e.close();
/exit
JSH
  echo "ARRAY r1 devices=$A,$B" > "$W/$name.conf"
  java -jar "$dir/uraid.jar" daemon --config "$W/$name.conf" --control "$W/$name.ctl" \
      --listen "unix:$W/$name.sock" 2>"$W/$name.log" &
  PIDS+=($!)
done
loop ref
nbdkit -f -U "$W/nbdkit.sock" file file="$DEV" 2>"$W/nbdkit.log" &
PIDS+=($!)
for name in "${NAMES[@]}"; do
  for _ in $(seq 100); do grep -q "daemon ready" "$W/$name.log" && break; sleep 0.1; done
  grep -q "daemon ready" "$W/$name.log" || { cat "$W/$name.log" >&2; exit 1; }
done
for _ in $(seq 100); do [ -S "$W/nbdkit.sock" ] && break; sleep 0.1; done

: > "$W/results"
for r in $(seq "$ROUNDS"); do
  for t in "${NAMES[@]}" nbdkit; do
    if [ "$t" = nbdkit ]; then uri="nbd+unix:///?socket=$W/nbdkit.sock"; else uri="nbd+unix:///r1?socket=$W/$t.sock"; fi
    # shellcheck disable=SC2086
    fio --name=ab --size=256M --runtime="$SECS" --time_based --ramp_time=1 --numjobs=1 --ioengine=nbd \
        --uri="$uri" $K --output-format=json --output="$W/fio.json" 2>"$W/fio.err" \
      || { echo "fio failed for $t: $(cat "$W/fio.err")" >&2; exit 1; }
    python3 "$ROOT/bench/fio_line.py" "$W/fio.json" "$t" "$WORK" >> "$W/results"
  done
done
echo "fio $(fio --version), $WORK, $ROUNDS rounds x ${SECS}s; medians (${FIELD/bw/MiB\/s}) and every round"
python3 - "$W/results" "$FIELD" <<'PY'
import sys, statistics, collections
d = collections.defaultdict(list)
for line in open(sys.argv[1]):
    k, _, iops, mib = line.split()
    d[k].append(float(iops if sys.argv[2] == "iops" else mib))
ref = statistics.median(d["nbdkit"])
for k, v in d.items():
    print("%-10s median %8.0f  %.2f x nbdkit  %s" % (k, statistics.median(v), statistics.median(v) / ref,
                                                     " ".join("%.0f" % x for x in v)))
PY
