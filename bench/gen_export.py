#!/usr/bin/env python3
"""Synthetic Formspree export of surveys/exit-interview.yaml (fixed seed).

Writes N rows shaped like the legacy Formspree exporter (see
shared/samples/README.md, `formspree.csv`) and like the bundled
samples/exit-interview-formspree.csv: header `id,date,` + every other stored
key sorted A-Z (including `_nonce`, a random 16-hex-digit nonce per
submission, `_subject` and `_survey`, the survey's fingerprint); `date` is naive UTC
`datetime.isoformat()` (6-digit fraction, omitted when zero); rows newest
first; a multi answer's repeated names joined with ", " in option order;
keys the browser did not send are empty cells; textarea newlines are CRLF;
Python csv defaults (quote-minimal, CRLF records), UTF-8 without BOM.

With --normalised PATH it also writes the same rows as farvel's normalised
CSV (question ids in survey order, `q_other`, `q__row`, then `_period` as the
Europe/Oslo quarter; multi joined with "|"), for a `farvel report` binary
that cannot read a service export yet.

Pure standard library; the same seed and N give the same bytes.
"""

import argparse
import csv
import random
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

REASONS = ["pay", "manager", "growth", "workload", "culture", "relocation", "personal"]
REASON_W = [22, 18, 16, 12, 10, 8, 7]
FACTORS = ["pay", "manager", "growth", "workload", "culture", "flexibility", "commute"]
SCALES = ["manager_rating", "workload", "role_clarity", "growth_rating", "pay_fair"]
ROWS = ["respect", "speak_up", "collaboration", "inclusion", "trust_leaders"]
COME_BACK = ["yes", "maybe", "no"]
DEPARTMENTS = ["sales", "engineering", "support", "operations", "prefer_not"]
DEPT_W = [25, 35, 20, 15, 5]
TENURES = ["lt1", "y1_3", "y3_plus", "prefer_not"]
TENURE_W = [30, 40, 25, 5]

# Survey order (normalised header) and the export's stored keys.
SURVEY_ORDER = (
    ["reason", "reason_other", "factors", "manager_detail"]
    + SCALES
    + [f"culture__{r}" for r in ROWS]
    + ["stay", "come_back", "enps", "comments", "department", "tenure"]
)
EXPORT_HEADER = ["id", "date"] + sorted(SURVEY_ORDER + ["_nonce", "_subject", "_survey"])

PHRASES = [
    "Lønna var for lav",
    "for mye overtid",
    "lederen min lyttet ikke",
    "gode kolleger, men lite utvikling",
    "Flytter til Tromsø",
    'kulturen ble "giftig"',
    "ingen hjemmekontor, lang pendlevei",
    "Too many meetings",
    "unclear priorities, shifting every quarter",
    "Æ, ø og å – takk for alt!",
    "more flexibility would have helped",
    "the reorganisation",
]


def text(rng: random.Random) -> str:
    """One to three phrases; sometimes commas, quotes, a CRLF line break."""
    parts = rng.sample(PHRASES, rng.randint(1, 3))
    sep = "\r\n" if rng.random() < 0.15 else ", "
    return sep.join(parts) + "."


def maybe(rng: random.Random, p_answer: float, value):
    return value() if rng.random() < p_answer else ""


def response(rng: random.Random) -> dict:
    r = {}
    roll = rng.random()
    if roll < 0.03:
        r["reason"], r["reason_other"] = "", ""
    elif roll < 0.09:
        r["reason"], r["reason_other"] = "other", text(rng)
    else:
        r["reason"], r["reason_other"] = rng.choices(REASONS, REASON_W)[0], ""
    k = rng.choices([0, 1, 2, 3], [15, 30, 35, 20])[0]
    picked = set(rng.sample(FACTORS, k))
    factors = [f for f in FACTORS if f in picked]
    r["factors"] = ", ".join(factors)
    shown = r["reason"] == "manager" or "manager" in factors
    r["manager_detail"] = text(rng) if shown and rng.random() < 0.6 else ""
    for q in SCALES:
        r[q] = maybe(rng, 0.92, lambda: str(rng.randint(1, 5)))
    for row in ROWS:
        r[f"culture__{row}"] = maybe(rng, 0.9, lambda: str(rng.randint(1, 5)))
    r["stay"] = maybe(rng, 0.35, lambda: text(rng))
    r["come_back"] = maybe(rng, 0.85, lambda: rng.choice(COME_BACK))
    r["enps"] = maybe(rng, 0.93, lambda: str(rng.randint(0, 10)))
    r["comments"] = maybe(rng, 0.2, lambda: text(rng))
    r["department"] = maybe(rng, 0.8, lambda: rng.choices(DEPARTMENTS, DEPT_W)[0])
    r["tenure"] = maybe(rng, 0.8, lambda: rng.choices(TENURES, TENURE_W)[0])
    return r


def quarter(ts: datetime, tz: ZoneInfo) -> str:
    local = ts.replace(tzinfo=timezone.utc).astimezone(tz)
    return f"{local.year}-Q{(local.month - 1) // 3 + 1}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=20250310)
    ap.add_argument("--out", required=True, help="the Formspree export to write")
    ap.add_argument("--normalised", help="also write farvel's normalised CSV here")
    ap.add_argument("--fingerprint", default="f73368c13218",
                    help="the `_survey` value the pages post (the survey's fingerprint)")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    start = datetime(2023, 1, 2, 7, 0, 0)
    span = timedelta(days=3 * 365).total_seconds()
    step = span / max(args.rows, 1)
    tz = ZoneInfo("Europe/Oslo")
    top_id = 1000 + args.rows

    with open(args.out, "w", newline="", encoding="utf-8") as f_exp:
        exp = csv.writer(f_exp)
        exp.writerow(EXPORT_HEADER)
        f_norm = open(args.normalised, "w", newline="", encoding="utf-8") if args.normalised else None
        norm = csv.writer(f_norm) if f_norm else None
        if norm:
            norm.writerow(SURVEY_ORDER + ["_period"])
        for i in range(args.rows):
            # Newest first: row i is submission top_id - i.
            seconds = span - (i + rng.random()) * step
            ts = start + timedelta(seconds=seconds, microseconds=rng.randrange(1_000_000))
            r = response(rng)
            r["_subject"] = "Exit survey"
            r["_nonce"] = f"{rng.getrandbits(64):016x}"
            r["_survey"] = args.fingerprint
            exp.writerow([top_id - i, ts.isoformat()] + [r[k] for k in EXPORT_HEADER[2:]])
            if norm:
                row = [r[k] for k in SURVEY_ORDER]
                row[SURVEY_ORDER.index("factors")] = r["factors"].replace(", ", "|")
                norm.writerow(row + [quarter(ts, tz)])
        if f_norm:
            f_norm.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
