#!/usr/bin/env python3
"""pairs.py - time two commands in pairs, each pair in a random order, and print the medians.

Usage: python3 bench/pairs.py N PAUSE 'COMMAND_A' 'COMMAND_B'

  N      pairs to run (each runs A once and B once; which goes first is drawn per pair, seeded,
         so that a machine whose speed swings from one run to the next cannot favour one side)
  PAUSE  seconds to wait before every run: 0 for back-to-back runs (each starts with the memory
         the one before it freed, warm), 2.5 or more for runs that each start with fresh memory
         (on the VMs of bench/README.md the kernel hands back freed memory to the host within
         about 2 s, and memory fetched back from it costs ~10 us per 4 KiB page)

Prints, for A and B, the median wall time (with the range) and the median CPU time (user +
system, from getrusage of the finished child), then the median of the per-pair ratios A/B with
its range. The commands run through /bin/sh with their output thrown away.
"""
import random
import resource
import statistics
import subprocess
import sys
import time


def run(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.monotonic()
    subprocess.run(cmd, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t = time.monotonic() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return t, cpu


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    n, pause, a, b = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4]
    wall = {a: [], b: []}
    cpu = {a: [], b: []}
    for i in range(n):
        order = [a, b]
        random.Random(i * 7 + 1).shuffle(order)
        for cmd in order:
            time.sleep(pause)
            w, c = run(cmd)
            wall[cmd].append(w)
            cpu[cmd].append(c)
    ratio = [x / y for x, y in zip(wall[a], wall[b])]
    med = statistics.median
    print("A wall med %.3f (%.3f-%.3f) cpu %.3f | B wall med %.3f (%.3f-%.3f) cpu %.3f | "
          "ratio med %.3f (%.3f-%.3f)" % (
              med(wall[a]), min(wall[a]), max(wall[a]), med(cpu[a]),
              med(wall[b]), min(wall[b]), max(wall[b]), med(cpu[b]),
              med(ratio), min(ratio), max(ratio)))


if __name__ == "__main__":
    main()
