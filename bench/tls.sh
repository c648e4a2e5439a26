#!/usr/bin/env bash
# TLS cost on the daemon's TCP listener: fio's nbd engine (libnbd) against uraid daemons
# exporting a RAID1 over two /dev/shm-backed loop devices on tcp:127.0.0.1, in plain text
# (nbd://) and over TLS (nbds://, the CA in libnbd's default directory; the daemons run
# --tls=on so both kinds of client reach the same export), for each TLS implementation: one
# daemon runs TLS by OpenSSL (-Duraid.tls=openssl), another, on its own RAID1, by the JDK's
# SSLEngine (-Duraid.tls=jdk). Certificates are made by openssl at run time. Rounds interleave
# plain, OpenSSL and JDK; medians of the rounds and the TLS/plain ratios (plain on each daemon).
#
# Usage (root; needs fio with the nbd engine, openssl, losetup, jshell, python3):
#   bench/tls.sh [ROUNDS] [SECONDS] [JOBS]     defaults: 5 rounds, 5 s per run, 1 job
set -euo pipefail
ROUNDS=${1:-5}
SECS=${2:-5}
JOBS=${3:-1}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/cli/target/uraid.jar"
[ "$(id -u)" = 0 ] || { echo "tls.sh: needs root (loop devices)" >&2; exit 1; }
for t in fio openssl losetup jshell python3; do
  command -v $t >/dev/null || { echo "tls.sh: $t is not installed" >&2; exit 1; }
done
[ -f "$JAR" ] || (cd "$ROOT" && mvn -q -B -o -DskipTests package)

W=$(mktemp -d /dev/shm/uraid-tlsbench.XXXXXX)
LOOPS=()
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  for l in "${LOOPS[@]}"; do
    for _ in $(seq 20); do losetup -d "$l" 2>/dev/null && break; sleep 0.25; done
  done
  rm -rf "$W"
}
trap cleanup EXIT

loop() { # NAME SIZE -> sets DEV
  truncate -s "$2" "$W/$1.img"
  DEV=$(losetup -f --show "$W/$1.img")
  LOOPS+=("$DEV")
}
loop a 1G; A=$DEV
loop b 1G; B=$DEV
loop c 1G; C=$DEV
loop d 1G; D=$DEV

# Test PKI: a CA, a server certificate for 127.0.0.1/localhost, nothing committed.
P="$W/pki"; mkdir -p "$P"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$P/ca-key.pem" -out "$P/ca-cert.pem" -days 2 \
  -subj "/CN=bench CA" -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout "$P/server-key.pem" -out "$P/server.csr" -subj /CN=localhost 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > "$P/ext"
openssl x509 -req -in "$P/server.csr" -CA "$P/ca-cert.pem" -CAkey "$P/ca-key.pem" -CAcreateserial \
  -out "$P/server-cert.pem" -days 2 -extfile "$P/ext" 2>/dev/null

CP="$JAR:$(ls "$ROOT"/cli/target/lib/*.jar | tr '\n' ':')"
jshell --class-path "$CP" -q - <<JSH >/dev/null
import io.uraid.core.assembly.*;
import io.uraid.core.spi.*;
import java.nio.file.*;
import java.util.*;
var e = io.uraid.io.IoEngines.openBest(64);
ArrayCreator.create(new CreateSpec("r1", "bench", LevelRegistry.byName("raid1"), 2, 0, -1, List.of(Path.of("$A"), Path.of("$B")), false, true), e);
ArrayCreator.create(new CreateSpec("r1", "bench2", LevelRegistry.byName("raid1"), 2, 0, -1, List.of(Path.of("$C"), Path.of("$D")), false, true), e);
e.close();
/exit
JSH
echo "ARRAY r1 devices=$A,$B" > "$W/openssl.conf"
echo "ARRAY r1 devices=$C,$D" > "$W/jdk.conf"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
declare -A PORT DPID
for impl in openssl jdk; do
  PORT[$impl]=$(free_port)
  java -Duraid.tls=$impl -jar "$JAR" daemon --config "$W/$impl.conf" --control "$W/$impl.ctl" \
    --listen "tcp:127.0.0.1:${PORT[$impl]}" --tls=on --tls-certificates "$P" 2>"$W/$impl.log" &
  DPID[$impl]=$!
  PIDS+=($!)
done
for impl in openssl jdk; do
  for _ in $(seq 300); do grep -q "daemon ready" "$W/$impl.log" && break; sleep 0.1; done
  grep -q "daemon ready" "$W/$impl.log" || { cat "$W/$impl.log" >&2; exit 1; }
  grep -h "TLS: " "$W/$impl.log" | sed 's/^.*INFO: /  /' || true
done
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
declare -A TARGET=(
  [plain]="--uri=nbd://127.0.0.1:${PORT[openssl]}/r1"
  [openssl]="--uri=nbds://127.0.0.1:${PORT[openssl]}/r1"
  [plain-jdk]="--uri=nbd://127.0.0.1:${PORT[jdk]}/r1"
  [jdk]="--uri=nbds://127.0.0.1:${PORT[jdk]}/r1"
)
declare -A SERVER=([plain]=openssl [openssl]=openssl [plain-jdk]=jdk [jdk]=jdk)
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# fio's libnbd refuses ?tls-certificates= (local file access); it reads libnbd's default
# directory, $HOME/.pki/libnbd, so the runs get a HOME of their own with the CA there.
mkdir -p "$W/home/.pki/libnbd"
cp "$P/ca-cert.pem" "$W/home/.pki/libnbd/"
declare -A WORK=(
  [write-1M-qd8]="--rw=write --bs=1M --iodepth=8"
  [read-1M-qd8]="--rw=read --bs=1M --iodepth=8"
)
WORKS=(write-1M-qd8 read-1M-qd8)
RES="$W/results.txt"
: > "$RES"
# Warm-up, not measured: each daemon's JIT compiles the paths of both directions first (its
# compiler threads otherwise land in the first rounds' CPU figures).
for t in plain openssl plain-jdk jdk; do
  for w in "${WORKS[@]}"; do
    # shellcheck disable=SC2086
    HOME="$W/home" fio --name=b --ioengine=nbd --size=512M --runtime=2 --time_based --numjobs="$JOBS" \
        ${TARGET[$t]} ${WORK[$w]} --output-format=terse >/dev/null 2>&1 || true
  done
done
for r in $(seq "$ROUNDS"); do
  for w in "${WORKS[@]}"; do
    for t in plain openssl plain-jdk jdk; do
      dp=${DPID[${SERVER[$t]}]}
      # shellcheck disable=SC2086
      before=$(cpu_ticks "$dp")
      HOME="$W/home" fio --name=b --ioengine=nbd --size=512M --runtime="$SECS" --time_based --ramp_time=1 --numjobs="$JOBS" \
          --group_reporting ${TARGET[$t]} ${WORK[$w]} --output-format=json --output="$W/fio.json" 2>"$W/fio.err" \
        || { echo "fio failed for $t $w: $(cat "$W/fio.err")" >&2; exit 1; }
      ticks=$(( $(cpu_ticks "$dp") - before ))
      echo "$(python3 "$ROOT/bench/fio_line.py" "$W/fio.json" "$t" "$w") $ticks $(python3 -c '
import json, sys
t = open(sys.argv[1]).read(); j = json.loads(t[t.index("{"):])["jobs"][0]
print(j["read"]["io_bytes"] + j["write"]["io_bytes"])' "$W/fio.json")" >> "$RES"
    done
  done
done

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "fio $(fio --version) nbd engine, $ROUNDS rounds x ${SECS}s, numjobs=$JOBS; medians [lowest-highest round] MiB/s"
python3 - "$RES" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(list)
cpu = collections.defaultdict(list)
hz = 100.0  # USER_HZ of /proc/PID/stat
for line in open(sys.argv[1]):
    t, w, iops, mib, ticks, nbytes = line.split()
    rows[(t, w)].append(float(mib))
    # the daemon's CPU seconds per GiB moved (ramp time included in both: an upper bound)
    cpu[(t, w)].append(int(ticks) / hz / (int(nbytes) / 2**30))
works = ["write-1M-qd8", "read-1M-qd8"]
print("| client | " + " | ".join(works) + " |")
print("|---|" + "---|" * len(works))
names = {"plain": "plain nbd:// (OpenSSL daemon)", "openssl": "TLS nbds://, OpenSSL",
         "plain-jdk": "plain nbd:// (JDK daemon)", "jdk": "TLS nbds://, JDK SSLEngine"}
med = lambda t, w: statistics.median(rows[(t, w)])
for t in ["plain", "openssl", "plain-jdk", "jdk"]:
    print("| %s | %s |" % (names[t], " | ".join("%.0f [%.0f-%.0f]" % (med(t, w), min(rows[(t, w)]),
                                                                  max(rows[(t, w)])) for w in works)))
for t, p in [("openssl", "plain"), ("jdk", "plain-jdk")]:
    print("| %s / plain | %s |" % (names[t], " | ".join("%.2f x" % (med(t, w) / med(p, w)) for w in works)))
print()
print("The daemon's CPU seconds per GiB moved (medians):")
for t in ["plain", "openssl", "plain-jdk", "jdk"]:
    print("  %-10s %s" % (t, ", ".join("%s %.2f" % (w, statistics.median(cpu[(t, w)])) for w in works)))
PY
