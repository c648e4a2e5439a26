#!/usr/bin/env bash
# A RAID1 of a local member and a remote one on a real network path: the daemon in one network
# namespace, nbdkit (file plugin) in another, joined by a veth pair with netem delay (2 ms each
# way by default; where the kernel has no netem, nbdkit's delay filter adds the delay to each
# request instead, and the script says so). The same daemon also exports a RAID1 of a local
# member alone (the other slot missing) and a second mirror whose remote half (another nbdkit
# export over the same link) has no flags (members start as zeroes: --assume-clean), so "the
# array with its remote half" and "the local member alone" are measured through the same NBD
# path, interleaved, medians of the rounds:
#   4k random read QD32  (mirror / local alone)   issue 15 target with write-mostly: >= 0.9 x
#   4k random write QD32 (mirror / local alone)   issue 15 target with write-behind: >= 0.8 x
#   4k random write QD1  (latency: what write-behind hides)
# and, for reference, fio straight at a third export over the same link (what the far side sustains).
# The flagged mirror's remote member is --write-mostly with --write-behind N (WRITE_BEHIND=N,
# default 256, as mdadm).
#
# The CPU time the daemon and the nbdkit servers use per 1,000 requests is printed too: on one
# host the far side's server shares the CPUs with the daemon and fio, which a second host would not.
#
# Usage (root; needs ip, tc, nbdkit, fio with the nbd engine, losetup, python3):
#   bench/remote-mirror.sh [ROUNDS] [SECONDS] [DELAY_MS]     defaults: 3 rounds, 10 s, 2 ms
#   WORKS="randwrite-4k-qd32" bench/remote-mirror.sh ...     only some of the workloads
#   TARGETS="mir solo" ...                                    only some of the arrays (mir plain solo remote)
#   CONNECTIONS=N: the daemon's connections to each remote export (default: the URI default, 4)
#   NEAR_CPUS=0 FAR_CPUS=1: pin the daemon and fio to NEAR_CPUS and the nbdkit servers to FAR_CPUS
#     (taskset lists), as two hosts would keep them apart; the far servers then serve plain files
#     in /dev/shm instead of loop devices, so their writes are done by their own threads (a loop
#     device's kernel workers may run on any CPU)
set -euo pipefail
ROUNDS=${1:-3}
SECS=${2:-10}
DELAY=${3:-2}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/cli/target/uraid.jar"
[ "$(id -u)" = 0 ] || { echo "remote-mirror.sh: needs root (namespaces, loop devices)" >&2; exit 1; }
for t in ip tc nbdkit fio losetup python3; do
  command -v $t >/dev/null || { echo "remote-mirror.sh: $t is not installed" >&2; exit 1; }
done
[ -f "$JAR" ] || (cd "$ROOT" && mvn -q -B -o -DskipTests package)

W=$(mktemp -d /dev/shm/uraid-remote.XXXXXX)
NEAR=urbnear$$
FAR=urbfar$$
LOOPS=()
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  ip netns del "$NEAR" 2>/dev/null || true
  ip netns del "$FAR" 2>/dev/null || true
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
loop local 1G; LOCAL=$DEV
loop solo 1G; SOLO=$DEV
loop far 1G; FARDEV=$DEV
loop far2 1G; FARDEV2=$DEV
loop far3 1G; FARDEV3=$DEV

NEAR_SET=(); FAR_SET=()
if [ -n "${NEAR_CPUS:-}${FAR_CPUS:-}" ]; then
  command -v taskset >/dev/null || { echo "remote-mirror.sh: taskset is not installed" >&2; exit 1; }
  [ -n "${NEAR_CPUS:-}" ] && [ -n "${FAR_CPUS:-}" ] || { echo "remote-mirror.sh: set both NEAR_CPUS and FAR_CPUS" >&2; exit 2; }
  NEAR_SET=(taskset -c "$NEAR_CPUS"); FAR_SET=(taskset -c "$FAR_CPUS")
  FARDEV="$W/far.img"; FARDEV2="$W/far2.img"; FARDEV3="$W/far3.img"
  for f in "$FARDEV" "$FARDEV2" "$FARDEV3"; do fallocate -l 1G "$f"; done
fi

ip netns add "$NEAR"; ip netns add "$FAR"
ip link add "ura$$" type veth peer name "urb$$"
ip link set "ura$$" netns "$NEAR"; ip link set "urb$$" netns "$FAR"
ip -n "$NEAR" addr add 10.199.0.1/24 dev "ura$$"; ip -n "$FAR" addr add 10.199.0.2/24 dev "urb$$"
for ns in "$NEAR:ura$$" "$FAR:urb$$"; do
  ip -n "${ns%%:*}" link set "${ns##*:}" up; ip -n "${ns%%:*}" link set lo up
done
KIT_FILTER=()
if ip netns exec "$NEAR" tc qdisc add dev "ura$$" root netem delay "${DELAY}ms" 2>/dev/null \
   && ip netns exec "$FAR" tc qdisc add dev "urb$$" root netem delay "${DELAY}ms" 2>/dev/null; then
  LINK="netem ${DELAY} ms each way"
else
  LINK="no netem in this kernel: nbdkit delay filter, ${DELAY} ms per request, ${KIT_THREADS:-256} server threads"
  # The filter sleeps in a server thread: enough threads that the delay adds latency, as netem
  # does, rather than a cap on requests in flight (nbdkit's default is 16 per connection).
  KIT_FILTER=(--threads="${KIT_THREADS:-256}" --filter=delay)
  KIT_DELAY=("delay-read=${DELAY}ms" "delay-write=${DELAY}ms")
fi
ip netns exec "$FAR" "${FAR_SET[@]}" nbdkit -f -i 10.199.0.2 -p 10809 "${KIT_FILTER[@]}" file "$FARDEV" ${KIT_DELAY[@]+"${KIT_DELAY[@]}"} \
  2>"$W/nbdkit.log" &
PIDS+=($!)
KIT1=$!
ip netns exec "$FAR" "${FAR_SET[@]}" nbdkit -f -i 10.199.0.2 -p 10810 "${KIT_FILTER[@]}" file "$FARDEV2" ${KIT_DELAY[@]+"${KIT_DELAY[@]}"} \
  2>"$W/nbdkit2.log" &
PIDS+=($!)
KIT2=$!
ip netns exec "$FAR" "${FAR_SET[@]}" nbdkit -f -i 10.199.0.2 -p 10811 "${KIT_FILTER[@]}" file "$FARDEV3" ${KIT_DELAY[@]+"${KIT_DELAY[@]}"} \
  2>"$W/nbdkit3.log" &
PIDS+=($!)
KIT3=$!
sleep 1
CONN=${CONNECTIONS:+&connections=$CONNECTIONS}
REMOTE="nbd://10.199.0.2/?timeout=30$CONN"
REMOTE2="nbd://10.199.0.2:10810/?timeout=30$CONN"
loop local2 1G; LOCAL2=$DEV

BEHIND_N=${WRITE_BEHIND:-256}
MODE="flagged mirror: remote member --write-mostly, --write-behind $BEHIND_N"
ip netns exec "$NEAR" java -jar "$JAR" create mir --level 1 --raid-devices 2 --force --assume-clean "$LOCAL" "$REMOTE" \
  --write-mostly "$REMOTE" --write-behind "$BEHIND_N" >"$W/create.log" 2>&1
ip netns exec "$NEAR" java -jar "$JAR" create plain --level 1 --raid-devices 2 --force --assume-clean "$LOCAL2" "$REMOTE2" \
  >>"$W/create.log" 2>&1
java -jar "$JAR" create solo --level 1 --raid-devices 2 --force "$SOLO" missing >>"$W/create.log" 2>&1
cat > "$W/uraid.conf" <<CONF
ARRAY mir devices=$LOCAL,$REMOTE
ARRAY plain devices=$LOCAL2,$REMOTE2
ARRAY solo devices=$SOLO
CONF
ip netns exec "$NEAR" "${NEAR_SET[@]}" java -jar "$JAR" daemon --config "$W/uraid.conf" --control "$W/ctl.sock" \
  --listen "unix:$W/nbd.sock" 2>"$W/daemon.log" &
PIDS+=($!)
DAEMON=$!
for _ in $(seq 300); do grep -q "daemon ready" "$W/daemon.log" && break; sleep 0.1; done
grep -q "daemon ready" "$W/daemon.log" || { cat "$W/daemon.log" >&2; exit 1; }
# The new mirror syncs its remote half first; measure after.
for _ in $(seq 600); do java -jar "$JAR" status --control "$W/ctl.sock" | grep -q resync || break; sleep 1; done

declare -A WORK=(
  [randread-4k-qd32]="--rw=randread --bs=4k --iodepth=32"
  [randwrite-4k-qd32]="--rw=randwrite --bs=4k --iodepth=32"
  [randwrite-4k-qd1]="--rw=randwrite --bs=4k --iodepth=1"
)
read -r -a WORKS <<< "${WORKS:-randread-4k-qd32 randwrite-4k-qd32 randwrite-4k-qd1}"
read -r -a TARGETS <<< "${TARGETS:-mir plain solo remote}"
RES="$W/results.txt"
: > "$RES"
# CPU ticks (user + system) of a process and its threads; ip netns exec execs, so the PIDs are the servers'.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
declare -A KIT=([mir]=$KIT1 [plain]=$KIT2 [solo]=$KIT1 [remote]=$KIT3)
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$ROUNDS"); do
  for w in "${WORKS[@]}"; do
    for t in "${TARGETS[@]}"; do
      URI="nbd+unix:///$t?socket=$W/nbd.sock"; IN=()
      # "remote": fio straight at a third export over the same link (no uraid): what the far side sustains
      [ "$t" = remote ] && { URI="nbd://10.199.0.2:10811/"; IN=(ip netns exec "$NEAR"); }
      d0=$(ticks "$DAEMON"); k0=$(ticks "${KIT[$t]}")
      # shellcheck disable=SC2086
      "${IN[@]}" "${NEAR_SET[@]}" fio --name=b --ioengine=nbd --uri="$URI" --size=512M --runtime="$SECS" \
          --time_based --ramp_time=2 ${WORK[$w]} --output-format=json --output="$W/fio.json" 2>"$W/fio.err" \
        || { echo "fio failed for $t $w: $(cat "$W/fio.err")" >&2; exit 1; }
      # requests fio counted (not the ramp, which the CPU ticks include: an upper bound, alike for every array)
      n=$(python3 -c 'import json,sys; t=open(sys.argv[1]).read(); j=json.loads(t[t.index("{"):])["jobs"][0]; print(sum(j[d]["total_ios"] for d in ("read","write")))' "$W/fio.json")
      echo "$(python3 "$ROOT/bench/fio_line.py" "$W/fio.json" "$t" "$w") $(( $(ticks "$DAEMON") - d0 )) $(( $(ticks "${KIT[$t]}") - k0 )) $n" >> "$RES"
    done
  done
done

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
grep -h "connection(s)" "$W/daemon.log" | sed 's/^.*INFO: /  /' | sort -u | head -3 || true
echo "link: $LINK; $MODE${NEAR_CPUS:+; daemon and fio on CPUs $NEAR_CPUS, nbdkit on CPUs $FAR_CPUS (far side: files)}"
echo "fio $(fio --version) nbd engine, $ROUNDS rounds x ${SECS}s; medians [lowest-highest round] IOPS"
python3 - "$RES" "${TARGETS[*]}" "${WORKS[@]}" <<'PY'
import sys, statistics, collections
rows = collections.defaultdict(list)
cpu = collections.defaultdict(list)
for line in open(sys.argv[1]):
    t, w, iops, mib, dticks, kticks, n = line.split()
    rows[(t, w)].append(float(iops))
    # CPU ms per 1,000 requests (USER_HZ 100): the daemon's, and the nbdkit server's the run used
    cpu[(t, w)].append((int(dticks) * 10.0 / int(n) * 1000, int(kticks) * 10.0 / int(n) * 1000))
targets = sys.argv[2].split()
works = sys.argv[3:]
names = {"mir": "RAID1 local + remote, write-mostly + write-behind", "plain": "RAID1 local + remote, no flags",
         "solo": "local member alone", "remote": "the remote export alone (fio direct, no uraid)"}
print("| array | " + " | ".join(works) + " |")
print("|---|" + "---|" * len(works))
for t in targets:
    print("| %s | %s |" % (names[t], " | ".join("%.0f [%.0f-%.0f]" % (statistics.median(rows[(t, w)]),
                                                min(rows[(t, w)]), max(rows[(t, w)])) for w in works)))
for t in [x for x in ["mir", "plain"] if x in targets and "solo" in targets]:
    print("| %s / local alone | %s |" % (t, " | ".join("%.2f x" % (statistics.median(rows[(t, w)])
                                         / statistics.median(rows[("solo", w)])) for w in works)))
print()
print("CPU ms per 1,000 requests (medians), daemon / nbdkit:")
for t in targets:
    print("  %-7s %s" % (t, ", ".join("%s %.0f / %.0f" % (w, statistics.median(c[0] for c in cpu[(t, w)]),
                                                          statistics.median(c[1] for c in cpu[(t, w)])) for w in works)))
PY
