#!/usr/bin/env python3
"""One fio JSON result as a line for the bench scripts: TARGET WORK IOPS MiB/s.

Usage: fio_line.py FIO_JSON TARGET WORK. The side reported is the one that did I/O (writes
for a write job, reads otherwise); a job that fio marks failed is an error, never a zero.
"""
import json
import sys

text = open(sys.argv[1]).read()
job = json.loads(text[text.index("{"):])["jobs"][0]  # fio may print notices before the JSON
if job["error"]:
    sys.exit("fio job error %d" % job["error"])
side = job["write"] if job["write"]["io_bytes"] > 0 else job["read"]
print(sys.argv[2], sys.argv[3], "%.0f" % side["iops"], "%.1f" % (side["bw_bytes"] / 1048576.0))
