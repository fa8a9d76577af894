#!/usr/bin/env python3
"""Median seconds of pyxform's convert() on one XLSForm, in one process.

  pyxform_inproc.py FORM.xlsx RUNS

A reference beside the whole-process figure: it leaves out Python's start
and pyxform's imports, so it is pyxform's best case per form.
"""

import statistics
import sys
import time

from pyxform.xls2xform import xls2xform_convert


def main(path: str, runs: int) -> None:
    out = path + ".inproc.xml"
    xls2xform_convert(path, out, validate=False, pretty_print=False)  # warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        xls2xform_convert(path, out, validate=False, pretty_print=False)
        times.append(time.perf_counter() - t0)
    print(f"{statistics.median(times):.6f}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
