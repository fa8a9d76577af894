#!/usr/bin/env python3
"""The audit benchmark's large case: a survey with SEGMENTS segment
questions of VALUES values each, and ROWS answers over PERIODS quarters as
farvel's normalised CSV, skewed so that small atoms are common.

    bench/gen_audit.py OUT_DIR [--segments 3] [--values 6] [--periods 8]
                       [--rows 2000] [--seed 7]

Writes OUT_DIR/survey.yaml and OUT_DIR/responses.csv (fixed seed)."""
import argparse
import os
import random

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("--segments", type=int, default=3)
p.add_argument("--values", type=int, default=6)
p.add_argument("--periods", type=int, default=8)
p.add_argument("--rows", type=int, default=2000)
p.add_argument("--seed", type=int, default=7)
a = p.parse_args()
r = random.Random(a.seed)
os.makedirs(a.out, exist_ok=True)
segs = [(f"seg{s}", [f"v{i}" for i in range(a.values)]) for s in range(a.segments)]
y = """id: audit-bench
languages: [en]
timezone: Europe/Oslo
title: Audit benchmark
custodian: the safety representative
endpoint:
  service: url
  url: https://example.org/submit
anonymity:
  min_group: 5
sections:
  - questions:
"""
for sid, vals in segs:
    y += f"      - id: {sid}\n        type: choice\n        segment: true\n        text: {sid}?\n        options:\n"
    y += "".join(f"          {v}: {v.upper()}\n" for v in vals)
y += """      - id: reason
        type: choice
        key: true
        text: Why?
        options: {pay: Pay, growth: Growth, workload: Workload, manager: Manager}
      - id: rating
        type: scale
        text: Rate
        range: [1, 5]
        labels: {1: Bad, 5: Good}
      - id: enps
        type: nps
        key: true
        text: Recommend?
      - id: factors
        type: multi
        text: Factors?
        options: {a: A, b: B, c: C}
      - id: culture
        type: matrix
        text: Culture
        rows: {r1: R1, r2: R2, r3: R3}
        scale: agree5
"""
open(os.path.join(a.out, "survey.yaml"), "w").write(y)
# Values get geometrically smaller shares: a few big groups, many small atoms.
weights = [0.5 ** i for i in range(a.values)] + [0.05]
head = ["_period"] + [s for s, _ in segs] + ["reason", "rating", "enps", "factors",
                                               "culture__r1", "culture__r2", "culture__r3"]
lines = [",".join(head)]
for _ in range(a.rows):
    q = r.randrange(a.periods)
    row = [f"{2024 + q // 4}-Q{q % 4 + 1}"]
    row += [r.choices(vals + [""], weights=weights)[0] for _, vals in segs]
    row += [r.choice(["pay", "growth", "workload", "manager"]), str(r.randint(1, 5)),
            str(r.randint(0, 10)), "|".join(sorted(r.sample("abc", r.randint(1, 3))))]
    row += [str(r.randint(1, 5)) for _ in range(3)]
    lines.append(",".join(row))
open(os.path.join(a.out, "responses.csv"), "w").write("\n".join(lines) + "\n")
