#!/usr/bin/env bash
# NBD benchmark: fio's nbd engine against the uraid daemon (RAID1 over 2 and RAID0 over 4
# /dev/shm-backed loop members, each once without and once with the daemon's read cache),
# nbdkit's file plugin and qemu-nbd (both serving a spare loop device of the same kind), and fio
# straight on the raw loop devices (io_uring, O_DIRECT).
# Same client settings for every target; rounds interleave the targets; medians of the rounds.
#
# Usage (root; needs fio with the nbd engine, nbdkit, qemu-nbd, losetup, jshell):
#   bench/nbd.sh [ROUNDS] [SECONDS]        defaults: 3 rounds, 5 s per run
set -euo pipefail
ROUNDS=${1:-3}
SECS=${2:-5}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/cli/target/uraid.jar"
[ "$(id -u)" = 0 ] || { echo "nbd.sh: needs root (loop devices)" >&2; exit 1; }
for t in fio nbdkit qemu-nbd losetup jshell python3; do
  command -v $t >/dev/null || { echo "nbd.sh: $t is not installed" >&2; exit 1; }
done
[ -f "$JAR" ] || (cd "$ROOT" && mvn -q -B -o -DskipTests package)

W=$(mktemp -d /dev/shm/uraid-nbdbench.XXXXXX)
LOOPS=()
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  for l in "${LOOPS[@]}"; do
    # a server that just exited may still hold the device for a moment: retry, then say so
    for _ in $(seq 20); do losetup -d "$l" 2>/dev/null && break; sleep 0.25; done
    losetup -l -n -O NAME | grep -qx "$l" && echo "nbd.sh: could not detach $l" >&2
  done
  rm -rf "$W"
}
trap cleanup EXIT

loop() { # NAME SIZE -> sets DEV (not via $(...): the subshell would lose LOOPS and leak the device)
  truncate -s "$2" "$W/$1.img"
  DEV=$(losetup -f --show "$W/$1.img")
  LOOPS+=("$DEV")
}
loop r1a 512M; R1A=$DEV
loop r1b 512M; R1B=$DEV
R0=(); for i in 0 1 2 3; do loop r0$i 256M; R0+=("$DEV"); done
loop ref 512M; REF=$DEV
loop r1ca 512M; R1CA=$DEV
loop r1cb 512M; R1CB=$DEV
R0C=(); for i in 0 1 2 3; do loop r0c$i 256M; R0C+=("$DEV"); done

CP="$JAR:$(ls "$ROOT"/cli/target/lib/*.jar | tr '\n' ':')"
jshell --class-path "$CP" -q - <<JSH >/dev/null
import io.uraid.core.assembly.*;
import io.uraid.core.spi.*;
import java.nio.file.*;
import java.util.*;
var e = io.uraid.io.IoEngines.openBest(64);
ArrayCreator.create(new CreateSpec("r1", "bench", LevelRegistry.byName("raid1"), 2, 0, -1, List.of(Path.of("$R1A"), Path.of("$R1B")), false, true), e);
ArrayCreator.create(new CreateSpec("r0", "bench", LevelRegistry.byName("raid0"), 4, 512 * 1024, -1, List.of(Path.of("${R0[0]}"), Path.of("${R0[1]}"), Path.of("${R0[2]}"), Path.of("${R0[3]}")), false, true), e);
ArrayCreator.create(new CreateSpec("r1c", "bench", LevelRegistry.byName("raid1"), 2, 0, -1, List.of(Path.of("$R1CA"), Path.of("$R1CB")), false, true), e);
ArrayCreator.create(new CreateSpec("r0c", "bench", LevelRegistry.byName("raid0"), 4, 512 * 1024, -1, List.of(Path.of("${R0C[0]}"), Path.of("${R0C[1]}"), Path.of("${R0C[2]}"), Path.of("${R0C[3]}")), false, true), e);
e.close();
/exit
JSH
cat > "$W/uraid.conf" <<CONF
ARRAY r1 devices=$R1A,$R1B
ARRAY r0 devices=$(IFS=,; echo "${R0[*]}")
ARRAY r1c devices=$R1CA,$R1CB read-cache=512M
ARRAY r0c devices=$(IFS=,; echo "${R0C[*]}") read-cache=512M
CONF

java -jar "$JAR" daemon --config "$W/uraid.conf" --control "$W/ctl.sock" --listen "unix:$W/uraid.sock" 2>"$W/daemon.log" &
PIDS+=($!)
nbdkit -f -U "$W/nbdkit.sock" file file="$REF" 2>"$W/nbdkit.log" &
PIDS+=($!)
qemu-nbd -f raw --cache=none --aio=io_uring --shared=8 -t -x ref -k "$W/qemu.sock" "$REF" 2>"$W/qemu.log" &
PIDS+=($!)
for s in uraid nbdkit qemu; do
  for _ in $(seq 100); do [ -S "$W/$s.sock" ] && break; sleep 0.1; done
done
for _ in $(seq 100); do grep -q "daemon ready" "$W/daemon.log" && break; sleep 0.1; done
grep -q "daemon ready" "$W/daemon.log" || { cat "$W/daemon.log" >&2; exit 1; }

declare -A TARGET=(
  [uraid-raid1]="--ioengine=nbd --uri=nbd+unix:///r1?socket=$W/uraid.sock"
  [uraid-raid0]="--ioengine=nbd --uri=nbd+unix:///r0?socket=$W/uraid.sock"
  [uraid-raid1-cache]="--ioengine=nbd --uri=nbd+unix:///r1c?socket=$W/uraid.sock"
  [uraid-raid0-cache]="--ioengine=nbd --uri=nbd+unix:///r0c?socket=$W/uraid.sock"
  [nbdkit-file]="--ioengine=nbd --uri=nbd+unix:///?socket=$W/nbdkit.sock"
  [qemu-nbd]="--ioengine=nbd --uri=nbd+unix:///ref?socket=$W/qemu.sock"
  [raw-loop]="--ioengine=io_uring --direct=1 --filename=$REF"
)
ORDER=(uraid-raid1 uraid-raid0 uraid-raid1-cache uraid-raid0-cache nbdkit-file qemu-nbd raw-loop)
declare -A WORK=(
  [write-1M-qd8]="--rw=write --bs=1M --iodepth=8"
  [read-1M-qd8]="--rw=read --bs=1M --iodepth=8"
  [randread-4k-qd64]="--rw=randread --bs=4k --iodepth=64"
)
WORKS=(write-1M-qd8 read-1M-qd8 randread-4k-qd64)

RES="$W/results.txt"
: > "$RES"
for r in $(seq "$ROUNDS"); do
  for w in "${WORKS[@]}"; do
    for t in "${ORDER[@]}"; do
      # shellcheck disable=SC2086
      fio --name=b --size=256M --runtime="$SECS" --time_based --ramp_time=1 --numjobs=1 \
          ${TARGET[$t]} ${WORK[$w]} --output-format=json --output="$W/fio.json" 2>"$W/fio.err" \
        || { echo "fio failed for $t $w: $(cat "$W/fio.err")" >&2; exit 1; }
      python3 "$ROOT/bench/fio_line.py" "$W/fio.json" "$t" "$w" >> "$RES"
    done
  done
done

# The same export measured by uraid's own bench runner over its NBD client (one connection).
BENCH_OUT=$(java -jar "$JAR" bench --nbd "nbd+unix:///r1?socket=$W/uraid.sock" --rw randread --bs 4k --iodepth 64 \
  --runtime "$SECS" --ramp 1 2>&1) || { echo "uraid bench --nbd failed: $BENCH_OUT" >&2; exit 1; }
BENCH_CACHE_OUT=$(java -jar "$JAR" bench --nbd "nbd+unix:///r1c?socket=$W/uraid.sock" --rw randread --bs 4k --iodepth 64 \
  --runtime "$SECS" --ramp 1 2>&1) || { echo "uraid bench --nbd failed: $BENCH_CACHE_OUT" >&2; exit 1; }

echo "fio $(fio --version), $ROUNDS rounds x ${SECS}s, medians [lowest-highest round] (IOPS, MiB/s); numjobs=1, one connection"
python3 - "$RES" "${ORDER[@]}" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    t, w, iops, mib = line.split()
    rows[(t, w)].append((float(iops), float(mib)))
works = ["write-1M-qd8", "read-1M-qd8", "randread-4k-qd64"]
print("| target | " + " | ".join(works) + " |")
print("|---|" + "---|" * len(works))
for t in sys.argv[2:]:
    cells = []
    for w in works:
        v = rows[(t, w)]
        iops = statistics.median(x[0] for x in v)
        mib = statistics.median(x[1] for x in v)
        k = 1 if "1M" in w else 0
        lo, hi = min(x[k] for x in v), max(x[k] for x in v)
        cells.append(("%.0f MiB/s" % mib if k else "%.0f IOPS" % iops) + " [%.0f-%.0f]" % (lo, hi))
    print("| %s | %s |" % (t, " | ".join(cells)))
print()
print("Ratios of medians against nbdkit-file (bandwidth for 1M, IOPS for 4k):")
for t in sys.argv[2:]:
    if not t.startswith("uraid"):
        continue
    cells = []
    for w in works:
        k = 1 if "1M" in w else 0
        ours = statistics.median(x[k] for x in rows[(t, w)])
        ref = statistics.median(x[k] for x in rows[("nbdkit-file", w)])
        cells.append("%s %.2f x" % (w, ours / ref))
    print("  %-18s %s" % (t, ", ".join(cells)))
PY
echo
echo "uraid bench --nbd (uraid-raid1, randread 4k QD64, ${SECS}s):"
echo "$BENCH_OUT"
echo "uraid bench --nbd (uraid-raid1-cache, randread 4k QD64, ${SECS}s):"
echo "$BENCH_CACHE_OUT"
