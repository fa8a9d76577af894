#!/usr/bin/env python3
"""Timing helpers for bench/lib.sh (standard library only).

  stats.py hyperfine FILE.json      median of a hyperfine export, in seconds
  stats.py loop RUNS PREPARE -- CMD  run CMD once to warm up, then RUNS times
                                    (PREPARE, when not empty, through the
                                    shell before each run); print the median
  stats.py rounds RUNS SPEC.tsv     SPEC: one command per line, its name and
                                    its words separated by tabs; one warm-up
                                    round, then RUNS rounds, each running
                                    every command once in turn (so a machine
                                    whose speed drifts slows all of them
                                    alike); prints name, median, min, max
  stats.py sizes DIR                every .html page under DIR with its size
"""

import json
import os
import statistics
import subprocess
import sys
import time


def hyperfine(path: str) -> float:
    with open(path, encoding="utf-8") as f:
        result = json.load(f)["results"][0]
    return statistics.median(result["times"])


def rounds(runs: int, spec: str) -> list:
    with open(spec, encoding="utf-8") as f:
        cmds = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    times = {c[0]: [] for c in cmds}
    for r in range(runs + 1):
        for name, *cmd in cmds:
            t0 = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if r > 0:
                times[name].append(time.perf_counter() - t0)
    return [(n, statistics.median(t), min(t), max(t)) for n, t in times.items()]


def loop(runs: int, prepare: str, cmd: list) -> float:
    def once() -> float:
        if prepare:
            subprocess.run(prepare, shell=True, check=True)
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - t0

    once()
    return statistics.median(once() for _ in range(runs))


def sizes(root: str) -> None:
    pages = []
    for d, _, files in os.walk(root):
        pages += [os.path.join(d, f) for f in files if f.endswith(".html")]
    for p in sorted(pages):
        print(f"{os.path.getsize(p)}\t{os.path.relpath(p, root)}")


def main(argv: list) -> int:
    if argv[0] == "hyperfine":
        print(f"{hyperfine(argv[1]):.6f}")
    elif argv[0] == "rounds":
        for name, med, lo, hi in rounds(int(argv[1]), argv[2]):
            print(f"{name}\t{med:.6f}\t{lo:.6f}\t{hi:.6f}")
    elif argv[0] == "loop":
        sep = argv.index("--")
        print(f"{loop(int(argv[1]), argv[2], argv[sep + 1:]):.6f}")
    elif argv[0] == "sizes":
        sizes(argv[1])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
