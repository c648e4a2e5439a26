#!/usr/bin/env bash
# Two builds of uraid side by side on the BENCHMARKS.md "Arrays" workloads: RAID0 over 4 and RAID1
# over 2 loop devices backed by /dev/shm files; each workload runs `uraid bench --compare --inline`
# (raw members and array in the same run) once per build per round, the builds alternating, so
# each build's array / raw ratio is measured against the same host load; medians of the rounds.
# Use it to show a change to the request path costs nothing.
#
# Usage (root, fio not needed):
#   bench/arrays-ab.sh ROUNDS SECONDS NAME=CLI_TARGET_DIR NAME=CLI_TARGET_DIR
#   CLI_TARGET_DIR: a build's cli/target (uraid.jar and lib/), e.g. main's built in a scratch folder:
#     git archive main | tar -x -C /tmp/main && (cd /tmp/main && mvn -q -B -DskipTests -Duraid.deb.skip package)
#     sudo bench/arrays-ab.sh 5 3 main=/tmp/main/cli/target new=cli/target
set -euo pipefail
[ $# -ge 4 ] || { sed -n '2,12p' "$0" >&2; exit 2; }
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_root arrays-ab.sh
ROUNDS=$1; SECS=$2; shift 2
NAMES=(); DIRS=()
for v in "$@"; do NAMES+=("${v%%=*}"); DIRS+=("${v#*=}"); done
loop_members 4 1G /dev/shm uraid-arrays-ab
R0=("${LOOPS[@]}")
R1=("${LOOPS[0]}" "${LOOPS[1]}")
OUT=$(mktemp -d /tmp/uraid-arrays-ab.XXXXXX)
bench() { # DIR ARGS... -> prints "iops_ratio mbs_ratio" of array / raw
  java -Xms128m -Xmx128m -Xmn96m -jar "$1/uraid.jar" bench "${@:2}" --compare --rounds 1 --runtime "$SECS" --ramp 1 \
      --inline 2>/dev/null | awk '/^array \/ raw:/ { gsub(",", ""); print $5, $7 }'
}
# workload NAME CREATE_ARGS LEVEL_DEVS... : CREATE_ARGS creates the array with the first build
WORKLOADS=(
  "r0-randread-qd32|--rw randread --bs 4k --iodepth 32|r0"
  "r0-randwrite-qd32|--rw randwrite --bs 4k --iodepth 32|r0"
  "r0-read-1m|--rw read --bs 1M --iodepth 16|r0"
  "r1-randread-qd32|--rw randread --bs 4k --iodepth 32|r1"
  "r1-randwrite-qd32|--rw randwrite --bs 4k --iodepth 32|r1"
  "r1-write-1m|--rw write --bs 1M --iodepth 16|r1"
  "r1-randread-qd1|--rw randread --bs 4k --iodepth 1|r1"
)
echo "== uptime: $(uptime)"
for level in r0 r1; do
  if [ $level = r0 ]; then devs=("${R0[@]}"); create=(--level raid0 --chunk 512K --force); else
    devs=("${R1[@]}"); create=(--level raid1 --force); fi
  # Create the scratch array once (a one-second run); every later run assembles it.
  bench "${DIRS[0]}" "${create[@]}" --rw randread --bs 4k --iodepth 1 "${devs[@]}" >/dev/null
  for w in "${WORKLOADS[@]}"; do
    IFS='|' read -r name args lv <<<"$w"
    [ "$lv" = $level ] || continue
    for r in $(seq "$ROUNDS"); do
      for k in "${!NAMES[@]}"; do
        # shellcheck disable=SC2086
        res=$(bench "${DIRS[$k]}" --assemble $args "${devs[@]}")
        echo "$name ${NAMES[$k]} $r $res" | tee -a "$OUT/results"
      done
    done
  done
done
echo "== uptime: $(uptime)"
python3 - "$OUT/results" "${NAMES[@]}" <<'PY'
import sys, statistics, collections
rows = [l.split() for l in open(sys.argv[1]) if len(l.split()) == 5]
names = sys.argv[2:]
by = collections.defaultdict(list)
for w, n, r, iops, mbs in rows:
    by[(w, n)].append(float(iops))
print(f"{'workload':22} " + " ".join(f"{n + ' array/raw':>18}" for n in names) + f" {names[-1] + ' / ' + names[0]:>14}")
for w in dict.fromkeys(r[0] for r in rows):
    med = [statistics.median(by[(w, n)]) for n in names]
    print(f"{w:22} " + " ".join(f"{m:18.3f}" for m in med) + f" {med[-1] / med[0]:14.3f}")
PY
