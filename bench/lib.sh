# Shared set-up of the bench scripts, sourced (not run): loop devices over files, removed on exit.
#
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#   need_root NAME.sh                    # exit 2 with a one-line reason unless root
#   loop_members COUNT SIZE DIR PREFIX   # COUNT files of SIZE in DIR (allocated), one loop device each: LOOPS=(...)
#
# loop_members installs an EXIT trap that detaches the loop devices and removes the files, even
# when the script fails half-way; a script with more to clean up adds it with on_exit CMD.

LOOPS=()
FILES=()
EXIT_HOOKS=()

need_root() {
  [ "$(id -u)" = 0 ] || { echo "$1: needs root for loop devices" >&2; exit 2; }
}

on_exit() {
  EXIT_HOOKS+=("$1")
}

bench_cleanup() {
  local h l
  for h in ${EXIT_HOOKS[@]+"${EXIT_HOOKS[@]}"}; do eval "$h" || true; done
  for l in ${LOOPS[@]+"${LOOPS[@]}"}; do
    # a process that just closed the device may still hold it for a moment
    for _ in $(seq 20); do losetup -d "$l" 2>/dev/null && break; sleep 0.25; done
    if losetup -l -n -O NAME | grep -qx "$l"; then echo "bench: could not detach $l" >&2; fi
  done
  [ ${#FILES[@]} -eq 0 ] || rm -f "${FILES[@]}"
}

loop_members() {
  local count="$1" size="$2" dir="$3" prefix="$4" i f
  trap bench_cleanup EXIT
  for ((i = 0; i < count; i++)); do
    f="$(mktemp "$dir/$prefix.XXXXXX")"
    FILES+=("$f")
    # Allocated now, not on first write: a sparse /dev/shm file allocates its pages during the
    # first workload's first rounds, which made the raw members' baseline of whatever ran first
    # up to 2x slower than the later ones (raw 768 KiB writes 4-7 GB/s, 1 MiB 10 GB/s, one run).
    fallocate -l "$size" "$f" 2>/dev/null || truncate -s "$size" "$f"
    LOOPS+=("$(losetup -f --show "$f")")
  done
}
