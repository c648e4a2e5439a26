#!/usr/bin/env bash
# Which io_uring opcodes a uraid daemon submits while fio writes to its RAID1 export over NBD:
# perf record of io_uring:io_uring_submit_req on the daemon, counted by opcode (WRITE_FIXED is a
# member write on the registered payload pool). Needs root (loop devices, perf), fio (nbd engine),
# jshell.
#
#   sudo bench/nbd-fixed.sh [CLI_TARGET_DIR]      # default: this checkout's cli/target
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
J="${1:-$ROOT/cli/target}"
W=$(mktemp -d /dev/shm/uraid-fixedperf.XXXXXX)
LOOPS=(); PID=
cleanup() { [ -n "$PID" ] && kill $PID 2>/dev/null; wait $PID 2>/dev/null || true; for l in "${LOOPS[@]}"; do losetup -d "$l" || true; done; rm -rf "$W"; }
trap cleanup EXIT
for i in a b; do truncate -s 512M "$W/$i.img"; LOOPS+=("$(losetup -f --show "$W/$i.img")"); done
CP="$J/uraid.jar:$(ls "$J"/lib/*.jar | tr '\n' ':')"
jshell --class-path "$CP" -q - >/dev/null <<JSH
var e = io.uraid.io.IoEngines.openBest(64);
io.uraid.core.assembly.ArrayCreator.create(new io.uraid.core.assembly.CreateSpec("r1", "bench", io.uraid.core.spi.LevelRegistry.byName("raid1"), 2, 0, -1, java.util.List.of(java.nio.file.Path.of("${LOOPS[0]}"), java.nio.file.Path.of("${LOOPS[1]}")), false, true), e);
e.close();
/exit
JSH
echo "ARRAY r1 devices=${LOOPS[0]},${LOOPS[1]}" > "$W/c.conf"
java -jar "$J/uraid.jar" daemon --config "$W/c.conf" --control "$W/ctl" --listen "unix:$W/nbd.sock" 2>"$W/log" &
PID=$!
for _ in $(seq 100); do [ -S "$W/nbd.sock" ] && break; sleep 0.1; done
sleep 1
for job in "--rw=randwrite --bs=4k --iodepth=32" "--rw=write --bs=1M --iodepth=8"; do
  echo "== fio $job over NBD; perf record -e io_uring:io_uring_submit_req -p $PID"
  # shellcheck disable=SC2086
  fio --name=w --ioengine=nbd --uri="nbd+unix:///r1?socket=$W/nbd.sock" $job --size=256M --time_based --runtime=6 \
      --output-format=terse >/dev/null &
  FIO=$!
  sleep 2
  perf record -q -e io_uring:io_uring_submit_req -p "$PID" -o "$W/perf.data" -- sleep 3 2>/dev/null
  wait $FIO
  perf script -i "$W/perf.data" 2>/dev/null | grep -o 'opcode [A-Z_]*' | sort | uniq -c
done
grep -i "regist\|fixed" "$W/log" | head -3 || true
