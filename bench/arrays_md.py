#!/usr/bin/env python3
"""Turns the bench/arrays.sh results (JSON, tables, commands) into the BENCHMARKS.md "## Arrays"
section. Usage: arrays_md.py OUT  (prints it)  |  arrays_md.py --splice BENCHMARKS.md OUT"""
import json
import os
import platform
import statistics
import subprocess
import sys

# Hand-written analysis of the runs recorded in BENCHMARKS.md: revise it after a new run.
NOTES = """### The same set, four times

The set ran four times this afternoon with the same commands. Runs 1-3 were taken while the
io_uring engine had no wake-up (the dispatcher spun while I/O was in flight) and while other
agents loaded the host; run 4 is the one tabled above and below, after the wake-up landed
(`sudo UPDATE=1 ROUNDS=3 RUNTIME=2 RAMP=0.5 bench/arrays.sh`, host load 6-8, then falling):

| run | host load | QD128 vs fio | RAID1 write vs raw/2 | 1M read | 1M write | QD1 p99 diff | steady GC / RSS |
|---|---|---|---|---|---|---|---|
| 1: 3 rounds x 5 s, before h-io's allocation fix | 10-12 | 0.595 | 0.592 | 1.048 | 0.948 | +4119 us | 0 / 118 MB |
| 2: 5 rounds x 3 s | 10-12 | 0.814 | 0.699 | 1.273 | 1.066 | +1056 us | 0 / 79 MB |
| 3: 5 rounds x 3 s | 7-9 | 1.438 | 1.100 | 1.027 | 0.677 | -491 us | 0 / 91 MB |
| 4: 3 rounds x 2 s, io_uring wake-up (tabled) | 6-8 | 1.427 | 1.274 | 0.922 | 1.163 | +0.6 us | 0 / 95 MB |

What changed with the wake-up is clearest at QD1: RAID1 4k random read went from 9.1k IOPS
(raw 18.2k; p99 2154 vs 1099 us) in run 2 to 56.0k (raw 56.7k; p99 68.6 vs 68.0 us) in run 4.
The one miss of run 4, 1M sequential read at 0.922, is within the swing this host shows between
rounds (the same row gave 1.048-1.273 in runs 1-3). Ratios above 1 for the array over its own
members are noise, not an effect; where the array must do more work (RAID1 writes twice) its
write IOPS sit near half of raw's, which is what the target allows for.

### What limits these figures

- **A shared, overloaded host.** 2 cores, load average 6 to 12 while these ran, with other
  agents running their own loop-device and NBD benchmarks in runs 1-3. Single rounds swing by
  2x. Interleaving rounds and quoting medians is what keeps the comparison fair; the absolute
  numbers mean little.
- **Busy-polling while I/O was in flight (fixed before run 4).** Loop devices do their I/O in
  kernel worker threads that need a core. Until run 4 the array's dispatcher (and the raw
  baseline, built the same way on purpose) spun in `reap(0)` whenever requests were in flight,
  because the io_uring engine had no wake-up; on 2 cores that spinning took CPU from the loop
  workers, while fio sleeps in `io_uring_enter(GETEVENTS)`. The engine now keeps a read of an
  eventfd in the ring whenever its issuer is about to block (`uring/WakeEvent`), so the
  dispatcher sleeps in `io_uring_enter` and a producer with new work wakes it with one
  `write(2)`, only when it is asleep.
- **Hand-off per request.** By default each bench job's completion wakes its producer thread;
  `--inline` lets the completion thread issue the next request, as fio's loop does. The
  `r0-randread-qd128-producer` row shows the default mode for contrast.
- **Request-path overhead.** JMH (see Bench runner) puts the ring alone at ~52 ns per request
  and the mapping at 6-39 ns. JFR showed Disruptor's default `BlockingWaitStrategy` taking a
  monitor and calling `notifyAll` on every publish although the dispatcher only polls with an
  `EventPoller`; the request ring now uses a strategy whose publish-side signal is a no-op.
- **Allocation.** This bench's allocation counter and JFR found jnr-ffi's generic seven-parameter
  `syscall` path allocating ~72-120 B per `io_uring_enter`; the five-parameter binding brings it
  to ~0 B/request (see the cost lines below).
- **QD1 before the wake-up.** Two focused re-runs in the spinning days, on a calmer host, on two
  fresh /dev/shm loop devices A and B (`./uraid bench --level raid1 --force --compare --rounds 5
  --runtime 1 --ramp 0.3 --iodepth 1 --inline A B`, then with `B A`), gave array vs raw p99 517
  vs 602 us and 313 vs 366 us: the QD1 figures of runs 1-3 were made of host stalls.
- **1M sequential.** RAID0 splits each 1M request into two 512K legs on two members (chunk 512K)
  where raw sends the whole 1M to one member; over four runs read gave 0.922-1.273 and write
  0.677-1.163, so no steady gap is visible either way.
- **Stalls.** Maximum latencies of tens to hundreds of milliseconds appear on every side,
  fio included: scheduling stalls of the host.


"""

PLOTS = ["r0-randread-qd128", "r1-randwrite-qd32", "r0-read-1m", "r0-write-1m", "r1-randread-qd1", "r0-steady"]


def load(out, name):
    with open(os.path.join(out, name + ".json")) as f:
        return json.load(f)


def medians(doc):
    """label -> dict(iops, mbps, p99_us) medians over rounds (both directions summed for rates)."""
    by = {}
    for job in doc["jobs"]:
        label = job["jobname"].rsplit(".r", 1)[0]
        r, w = job["read"], job["write"]
        main = r if r["total_ios"] >= w["total_ios"] else w
        p99 = main.get("clat_ns", {}).get("percentile", {}).get("99.000000", 0) / 1e3
        by.setdefault(label, []).append((r["iops"] + w["iops"], (r["bw_bytes"] + w["bw_bytes"]) / 1e6, p99))
    return {k: {"iops": statistics.median(x[0] for x in v), "mbps": statistics.median(x[1] for x in v),
                "p99": statistics.median(x[2] for x in v), "rounds": len(v)} for k, v in by.items()}


def java_version():
    p = subprocess.run(["java", "-version"], capture_output=True, text=True)
    return (p.stderr.splitlines() or ["java ?"])[0].replace('"', "")


def fmt_iops(v):
    return "%.1fk" % (v / 1e3) if v >= 1e4 else "%.0f" % v


def section(out):
    cmds = {}
    with open(os.path.join(out, "commands")) as f:
        for line in f:
            name, cmd = line.rstrip("\n").split(" ", 1)
            cmds[name] = cmd.replace(os.path.abspath(out) + "/", "$OUT/")
    m = {name: medians(load(out, name)) for name in cmds}
    fio = subprocess.run(["fio", "--version"], capture_output=True, text=True).stdout.strip()
    L = ["## Arrays", ""]
    L.append("RAID0 over 4 and RAID1 over 2 loop devices backed by /dev/shm files, against the same members "
             "driven raw through the same engine (`raw`) and against fio on the members (`fio`, io_uring, "
             "O_DIRECT, same total queue depth). Every workload runs as interleaved rounds "
             "(raw, array, fio, raw, array, fio, ...) in one process so drift hits all sides alike; figures "
             "are per-figure medians over the rounds. Reproduce with `sudo UPDATE=1 bench/arrays.sh` "
             "(each command below is what it ran from the repository root, with `URAID_JAVA_OPTS='-Xms128m -Xmx128m "
             "-Xmn96m'`; the script adds `--json-out` and `--plot` and keeps everything in `$OUT`, by default "
             "`bench-out/arrays`).")
    L.append("")
    L.append("**Noise warning:** this machine has 2 cores shared with several other busy agents while these "
             "figures were taken (load average well above 2), so absolute numbers are low and noisy and "
             "single ratios can swing by 10-20 %%; only the interleaved medians are worth quoting. "
             "Kernel %s, %s, %s." % (platform.release(), fio, java_version()))
    L.append("")
    L.append("### Targets (issue 4)")
    L.append("")
    L.append("| target | measured | goal | met |")
    L.append("|---|---|---|---|")

    def row(what, measured, goal, ok):
        L.append("| %s | %s | %s | %s |" % (what, measured, goal, "yes" if ok else "**no**"))

    def ratio(name, a, b, key="iops"):
        x = m.get(name, {})
        return x[a][key] / x[b][key] if a in x and b in x and x[b][key] else float("nan")

    r = ratio("r0-randread-qd128", "array", "fio")
    row("RAID0x4 4k randread QD128 vs fio on the 4 raw members", "%.3f" % r, ">= 0.95", r >= 0.95)
    r = 2 * ratio("r1-randwrite-qd32", "array", "raw")
    row("RAID1x2 4k randwrite QD32 vs raw write IOPS / 2", "%.3f" % r, ">= 0.9", r >= 0.9)
    for name, what in (("r0-read-1m", "read"), ("r0-write-1m", "write")):
        r = ratio(name, "array", "raw", "mbps")
        row("RAID0x4 1M sequential %s vs raw aggregate bandwidth" % what, "%.3f" % r, ">= 0.95", r >= 0.95)
    q = m.get("r1-randread-qd1", {})
    if "array" in q and "raw" in q:
        d = q["array"]["p99"] - q["raw"]["p99"]
        row("RAID1x2 4k randread QD1 p99, array minus raw", "%+.1f us (%.1f vs %.1f)" % (
            d, q["array"]["p99"], q["raw"]["p99"]), "<= 15 us", d <= 15)
    steady = load(out, "r0-steady")
    cost = steady.get("uraid", {}).get("cost", {}).get("array", {})
    gc, rss = cost.get("gc", -1), cost.get("peak_rss_bytes", -1)
    row("RAID0x4 4k randread QD32 steady state (%s): GC count, peak RSS" % cmds["r0-steady"].split(
        "--runtime ")[1].split()[0] + " s", "%d GC, %d MB, %s allocated" % (
        gc, rss >> 20, "%.1f MB" % (cost.get("allocated_bytes", 0) / 1e6)), "0 GC, <= 256 MB",
        gc == 0 and 0 < rss <= 256 << 20)
    L.append("")
    L.append("The RAID1 write target compares the array with the two members written raw (each request "
             "to one member), halved: the array writes every block twice.")
    L.append("")
    L.append(NOTES)
    L.append("### All workloads (medians)")
    L.append("")
    L.append("| workload | array IOPS | raw IOPS | fio IOPS | array MB/s | array/raw | array/fio | p99 array / raw / fio (us) |")
    L.append("|---|---|---|---|---|---|---|---|")
    for name in cmds:
        x = m[name]
        a, rw, fi = x.get("array"), x.get("raw"), x.get("fio")
        L.append("| %s | %s | %s | %s | %.1f | %s | %s | %s |" % (
            name, fmt_iops(a["iops"]), fmt_iops(rw["iops"]) if rw else "-", fmt_iops(fi["iops"]) if fi else "-",
            a["mbps"], "%.3f" % (a["iops"] / rw["iops"]) if rw else "-", "%.3f" % (a["iops"] / fi["iops"]) if fi else "-",
            " / ".join("%.0f" % t["p99"] if t else "-" for t in (a, rw, fi))))
    L.append("")
    L.append("### Plots")
    L.append("")
    for p in PLOTS:
        L.append("`%s` (left: latency percentiles, right: IOPS per second of each round)  " % p)
        L.append("![%s](docs/bench/%s.png)" % (p, p))
        L.append("")
    L.append("### Commands and full tables")
    L.append("")
    for name, cmd in cmds.items():
        L.append("```")
        L.append("$ " + cmd)
        with open(os.path.join(out, name + ".txt")) as f:
            L.append(f.read().rstrip())
        L.append("```")
    L.append("")
    return "\n".join(L) + "\n"


def splice(md_path, text):
    old = open(md_path).read() if os.path.exists(md_path) else "# Benchmarks\n\n"
    start = old.find("## Arrays\n")
    if start < 0:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        end = old.find("\n## ", start + 1)
        new = old[:start] + text + (old[end + 1:] if end >= 0 else "")
    with open(md_path, "w") as f:
        f.write(new)


if __name__ == "__main__":
    if sys.argv[1] == "--splice":
        splice(sys.argv[2], section(sys.argv[3]))
    else:
        sys.stdout.write(section(sys.argv[1]))
