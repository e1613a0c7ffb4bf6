#!/usr/bin/env python3
"""Runs a command and prints `WALL_SECONDS PEAK_RSS_KIB EXIT_STATUS CPU_SECONDS` for it
(CPU: user plus system time of the command and its threads, which varies less than
wall time on a shared machine). The peak
resident set is GNU time's (%M): measured from a small process, so it is the
command's own, not a copy of this interpreter's. Output goes to /dev/null.

    measure.py CMD ARGS...
"""
import os, subprocess, sys, tempfile, time

with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
    start = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-o", t.name, "-f", "%M %x %U %S"] + sys.argv[1:],
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    lines = [l for l in t.read().splitlines() if l.strip()]
fields = lines[-1].split() if lines else []
if len(fields) == 4:
    rss, status, user, system = fields
    cpu = float(user) + float(system)
else:
    rss, status, cpu = "0", str(p.returncode), float("nan")
print(f"{wall:.4f} {rss} {status} {cpu:.2f}")
