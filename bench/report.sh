#!/usr/bin/env bash
# Benchmark (not a test): `farvel report` against pandas and polars computing
# the same headline figures (per-question counts, scale means, eNPS overall
# and per segment), with `xsv frequency` on the categorical columns as a
# reference. Wall time and peak RSS from /usr/bin/time -v; ratios printed.
#
#   bench/report.sh            # 1,000,000 rows
#   ROWS=100000 bench/report.sh
#   FLAT=1 bench/report.sh     # also farvel's peak RSS at 100k and 2M rows
#
# Input: the bundled sample's generator (fixed seed) at ROWS rows. Until
# ingest is merged, `farvel report` reads farvel's normalised CSV, so every
# tool reads that file; switch INPUT to the Formspree-shaped file afterwards.
# Tools that are not installed are skipped (pip install pandas polars).
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-1000000}
WORK=${WORK:-target/bench-report}
mkdir -p "$WORK"
cargo build --release --quiet --example gen_sample --bin farvel
SURVEY=surveys/exit-interview.yaml
[ -f "$SURVEY" ] || SURVEY=tests/fixtures/report/exit-interview.yaml
gen() { target/release/examples/gen_sample "$1" "$WORK/formspree-$1.csv" "$WORK/normalised-$1.csv"; }
gen "$ROWS"
INPUT="$WORK/normalised-$ROWS.csv"

PANDAS='
import sys, pandas as pd
df = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
for c in ["reason", "come_back", "department", "tenure"]:
    df[c].value_counts()
df["factors"].str.split("|").explode().value_counts()
scales = ["manager_rating", "workload", "role_clarity", "growth_rating", "pay_fair"] + \
    [c for c in df.columns if c.startswith("culture__")]
for c in scales:
    pd.to_numeric(df[c], errors="coerce").mean()
e = pd.to_numeric(df["enps"], errors="coerce")
def enps(s):
    s = s.dropna(); return 100 * ((s >= 9).mean() - (s <= 6).mean())
print(enps(e))
for seg in ["department", "tenure"]:
    print(e.groupby(df[seg]).apply(enps))
'
POLARS='
import sys, polars as pl
df = pl.read_csv(sys.argv[1], infer_schema_length=0)
for c in ["reason", "come_back", "department", "tenure"]:
    df[c].value_counts()
df.select(pl.col("factors").str.split("|").explode()).to_series().value_counts()
scales = ["manager_rating", "workload", "role_clarity", "growth_rating", "pay_fair"] + \
    [c for c in df.columns if c.startswith("culture__")]
df.select([pl.col(c).cast(pl.Int64, strict=False).mean() for c in scales])
e = pl.col("enps").cast(pl.Int64, strict=False)
score = (100 * ((e >= 9).cast(pl.Int64).sum() - (e <= 6).cast(pl.Int64).sum()) / e.count()).alias("enps")
print(df.select(score))
for seg in ["department", "tenure"]:
    print(df.group_by(seg).agg(score).sort(seg))
'

measure() { # name command… → "name seconds peak_kb"
    local name=$1; shift
    /usr/bin/time -v "$@" >/dev/null 2>"$WORK/$name.time" || { echo "$name failed" >&2; return 1; }
    local wall rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/$name.time" | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/$name.time")
    echo "$name $wall $rss"
}

results=()
results+=("$(measure farvel target/release/farvel report "$SURVEY" "$INPUT" --out "$WORK/out/report.md" --lang en)")
if python3 -c 'import pandas' 2>/dev/null; then results+=("$(measure pandas python3 -c "$PANDAS" "$INPUT")"); fi
if python3 -c 'import polars' 2>/dev/null; then results+=("$(measure polars python3 -c "$POLARS" "$INPUT")"); fi
if command -v xsv >/dev/null; then
    results+=("$(measure xsv xsv frequency -s reason,factors,come_back,department,tenure "$INPUT")")
fi

echo "rows: $ROWS  input: $INPUT ($(du -h "$INPUT" | cut -f1))"
printf '%-8s %10s %12s %14s\n' tool seconds "peak MB" "farvel faster"
farvel_s=$(echo "${results[0]}" | cut -d' ' -f2)
for r in "${results[@]}"; do
    read -r name s kb <<<"$r"
    awk -v n="$name" -v s="$s" -v kb="$kb" -v f="$farvel_s" \
        'BEGIN { printf "%-8s %10.2f %12.1f %13.1fx\n", n, s, kb/1024, s/f }'
done

if [ "${FLAT:-0}" = 1 ]; then
    for n in 100000 2000000; do
        gen "$n"
        measure "farvel-$n" target/release/farvel report "$SURVEY" "$WORK/normalised-$n.csv" --out "$WORK/out-$n/report.md" --lang en
    done
fi
