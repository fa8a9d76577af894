#!/usr/bin/env bash
# bench/report.sh: `farvel report` against pandas, polars and xsv, side by side.
#
#   bench/report.sh                         # builds farvel here (cargo build --release)
#   FARVEL_BIN=/path/to/farvel bench/report.sh
#
# Generates (bench/gen_export.py, fixed seed, cached in bench/out/data) a
# Formspree export of surveys/exit-interview.yaml with ROWS rows (1,000,000),
# then times, whole process, in RUNS interleaved rounds after a warm-up
# round (each round runs each once, in turn; the median of each):
#   farvel report surveys/exit-interview.yaml EXPORT --out TMP/report.md
#   bench/headline_polars.py EXPORT, bench/headline_pandas.py EXPORT
#     (the same headline figures: per-question counts, means, eNPS overall,
#     per department, per tenure and per quarter; their outputs must agree)
# and with hyperfine (median after a warm-up run)
#   xsv frequency on the categorical columns (a reference, not a target)
# and peak RSS of each with /usr/bin/time -v; then farvel alone at every size
# in FLAT_ROWS (100,000 and 2,000,000) for the flatness check.
# Targets (issue 5): >= 1.5x faster than polars, >= 8x pandas, farvel peak
# RSS <= 32 MB and flat from 100,000 to 2,000,000 rows.
#
# A farvel whose `report` cannot read a service export yet (before the
# ingest branch is merged) is detected on a small file: then, with
# FARVEL_INGEST_BIN set, farvel's figure is the pipeline `farvel ingest
# EXPORT --out N.csv && farvel report N.csv` (one timed process tree), with
# `farvel report` alone on the generator's normalised CSV as an extra line;
# without it, `farvel report` reads the generator's normalised CSV of the same
# rows. Both fallbacks are printed in the header. Env: RUNS (3), ROWS,
# FLAT_ROWS, SEED (20250310), BENCH_OUT.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROWS="${ROWS:-1000000}"
FLAT_ROWS="${FLAT_ROWS:-100000 2000000}"
RUNS="${RUNS:-3}"
SEED="${SEED:-20250310}"
SURVEY="$REPO_DIR/surveys/exit-interview.yaml"
CATEGORICAL="reason,factors,come_back,department,tenure,enps"

ensure_venv
ensure_time
ensure_hyperfine
ensure_xsv
ensure_farvel

W="$OUT_DIR/report"
rm -rf "$W"
mkdir -p "$W" "$OUT_DIR/data"
RESULTS="$W/results.tsv"
: >"$RESULTS"

# dataset N: sets EXPORT and NORMAL, generating both once per seed and
# generator version.
dataset() {
  local n="$1" tag
  tag="s$SEED-$(sha1sum "$BENCH_DIR/gen_export.py" | cut -c1-8)"
  EXPORT="$OUT_DIR/data/export-$n-$tag.csv"
  NORMAL="$OUT_DIR/data/normalised-$n-$tag.csv"
  if [ ! -s "$EXPORT" ] || [ ! -s "$NORMAL" ]; then
    say "generating $n rows (seed $SEED) into $OUT_DIR/data ..."
    "$PY" "$BENCH_DIR/gen_export.py" --rows "$n" --seed "$SEED" \
      --out "$EXPORT.tmp" --normalised "$NORMAL.tmp"
    mv "$NORMAL.tmp" "$NORMAL"
    mv "$EXPORT.tmp" "$EXPORT"
  fi
}

# How farvel reads an export: direct, pipeline (ingest then report) or
# normalised (the generator's normalised CSV).
MODE=direct
dataset 1000
if ! "$FARVEL_BIN" report "$SURVEY" "$EXPORT" --out "$W/probe/report.md" >"$W/probe.log" 2>&1; then
  if [ -n "${FARVEL_INGEST_BIN:-}" ]; then
    MODE=pipeline
  elif grep -q normalised "$W/probe.log"; then
    MODE=normalised
  else
    say "error: '$FARVEL_BIN report' failed on a 1,000-row export:"
    sed 's/^/  /' "$W/probe.log" >&2
    exit 2
  fi
fi

# farvel_cmd N: the command line that makes farvel's report of dataset N.
farvel_cmd() {
  dataset "$1"
  local out="$W/farvel-$1"
  case "$MODE" in
  direct) FCMD=("$FARVEL_BIN" report "$SURVEY" "$EXPORT" --out "$out/report.md") ;;
  normalised) FCMD=("$FARVEL_BIN" report "$SURVEY" "$NORMAL" --out "$out/report.md") ;;
  pipeline)
    FCMD=(bash -c "mkdir -p '$out' && '$FARVEL_INGEST_BIN' ingest '$SURVEY' '$EXPORT' --out '$out/n.csv' && '$FARVEL_BIN' report '$SURVEY' '$out/n.csv' --out '$out/report.md'") ;;
  esac
}

farvel_cmd "$ROWS"
if ! "${FCMD[@]}" >"$W/check.log" 2>&1; then
  say "error: farvel failed on $ROWS rows:"
  sed 's/^/  /' "$W/check.log" >&2
  exit 2
fi

echo "# farvel report vs polars, pandas, xsv ($(date -u +%Y-%m-%dT%H:%MZ))"
echo "machine: $(describe_machine)"
echo "farvel:  $(describe_farvel)"
case "$MODE" in
pipeline) echo "         report cannot read the export: timed as ingest+report, ingest = $(FARVEL_BIN="$FARVEL_INGEST_BIN" describe_farvel)" ;;
normalised) echo "         report cannot read the export: it reads the generator's normalised CSV of the same rows (no date or export parsing)" ;;
esac
echo "python:  $(python3 --version), pandas $("$PY" -c 'import pandas; print(pandas.__version__)'), polars $("$PY" -c 'import polars; print(polars.__version__)'); $("$XSV" --version | head -1 | sed 's/^/xsv /')"
echo "data:    $ROWS rows, $(du -m "$EXPORT" | cut -f1) MB export ($(basename "$EXPORT")); farvel says: $(grep -o '[0-9]* responses' "$W/check.log" | head -1)"
echo "timing:  farvel, polars, pandas: $RUNS interleaved rounds after a warm-up round (bench/stats.py rounds), median; xsv and the other sizes: $(command -v hyperfine >/dev/null && hyperfine --version || echo 'python loop'), median, 1 warm-up run; peak RSS from /usr/bin/time -v (one run; MB = 10^6 bytes)"
echo

say "timing $ROWS rows: farvel, polars and pandas in turn, $RUNS rounds (a few minutes) ..."
# Interleaved rounds rather than all runs of one tool after another: this
# machine's speed drifts by tens of percent over minutes, and the ratio is
# what the targets are about.
dataset "$ROWS"
SPEC="$W/rounds.tsv"
{
  printf '%s\t' "farvel_$ROWS" "${FCMD[@]}" | sed 's/\t$//'; echo
  printf '%s\t' polars "$PY" "$BENCH_DIR/headline_polars.py" "$EXPORT" | sed 's/\t$//'; echo
  printf '%s\t' pandas "$PY" "$BENCH_DIR/headline_pandas.py" "$EXPORT" | sed 's/\t$//'; echo
} >"$SPEC"
"$PY" "$BENCH_DIR/stats.py" rounds "$RUNS" "$SPEC" >"$W/rounds.out"
while IFS=$'\t' read -r name med lo hi; do
  printf 'time\t%s\t%s\n' "$name" "$med" >>"$RESULTS"
  printf 'spread\t%s\t%s-%s\n' "$name" "$lo" "$hi" >>"$RESULTS"
  say "  $name: median $med s (min $lo, max $hi) over $RUNS rounds"
done <"$W/rounds.out"
peak_rss "farvel_$ROWS" "${FCMD[@]}"
# only_cmd N: farvel report alone on the normalised CSV of dataset N.
only_cmd() {
  dataset "$1"
  OCMD=("$FARVEL_BIN" report "$SURVEY" "$NORMAL" --out "$W/only-$1/report.md")
}

if [ "$MODE" = pipeline ]; then
  only_cmd "$ROWS"
  measure "only_$ROWS" "$RUNS" "${OCMD[@]}"
  peak_rss "only_$ROWS" "${OCMD[@]}"
fi
dataset "$ROWS"
peak_rss polars "$PY" "$BENCH_DIR/headline_polars.py" "$EXPORT"
peak_rss pandas "$PY" "$BENCH_DIR/headline_pandas.py" "$EXPORT"
measure xsv "$RUNS" "$XSV" frequency -s "$CATEGORICAL" -l 0 "$EXPORT"
peak_rss xsv "$XSV" frequency -s "$CATEGORICAL" -l 0 "$EXPORT"
"$PY" "$BENCH_DIR/headline_polars.py" "$EXPORT" >"$W/polars.json"
"$PY" "$BENCH_DIR/headline_pandas.py" "$EXPORT" >"$W/pandas.json"

for n in $FLAT_ROWS; do
  say "timing farvel on $n rows ..."
  farvel_cmd "$n"
  measure "farvel_$n" "$RUNS" "${FCMD[@]}"
  peak_rss "farvel_$n" "${FCMD[@]}"
  if [ "$MODE" = pipeline ]; then
    only_cmd "$n"
    measure "only_$n" "$RUNS" "${OCMD[@]}"
    peak_rss "only_$n" "${OCMD[@]}"
  fi
done

val() { awk -F'\t' -v k="$1" -v n="$2" '$1 == k && $2 == n { print $3 }' "$RESULTS"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k * 1024 / 1e6 }'; }
f="$(val time "farvel_$ROWS")"
spread() { awk -F'\t' -v n="$1" '$1 == "spread" && $2 == n { split($3, r, "-"); printf "%.2f-%.2f s", r[1], r[2] }' "$RESULTS"; }
line() { # name seconds rss_kb [spread]
  printf '%-36s %9.2f s %9.2fx %9s MB  %s\n' "$1" "$2" "$(awk -v a="$2" -v b="$f" 'BEGIN { print a / b }')" "$(mb "$3")" "${4:-}"
}
printf '%-36s %11s %10s %12s  %s\n' "$ROWS rows, whole process" "median" "t/farvel" "peak RSS" "range of the rounds"
line "farvel ($MODE)" "$f" "$(val rss "farvel_$ROWS")" "$(spread "farvel_$ROWS")"
[ "$MODE" = pipeline ] && line "  farvel report alone (normalised)" "$(val time "only_$ROWS")" "$(val rss "only_$ROWS")"
line "polars (headline_polars.py)" "$(val time polars)" "$(val rss polars)" "$(spread polars)"
line "pandas (headline_pandas.py)" "$(val time pandas)" "$(val rss pandas)" "$(spread pandas)"
line "xsv frequency (reference)" "$(val time xsv)" "$(val rss xsv)"
if cmp -s "$W/polars.json" "$W/pandas.json"; then
  echo "polars and pandas figures agree ($(wc -c <"$W/polars.json") bytes of JSON, in $W)"
else
  echo "WARNING: polars and pandas figures differ (see $W/*.json)"
fi

# flat KIND LABEL: the table of one farvel command over the sizes, and its verdicts.
flat() {
  local kind="$1" max=0 min=999999999 kb n
  echo
  echo "$2 at every size:"
  for n in $(printf '%s\n' $FLAT_ROWS "$ROWS" | sort -n | uniq); do
    kb="$(val rss "${kind}_$n")"
    [ "$kb" -gt "$max" ] && max="$kb"
    [ "$kb" -lt "$min" ] && min="$kb"
    printf '  %9d rows %9.2f s %8s MB peak RSS\n' "$n" "$(val time "${kind}_$n")" "$(mb "$kb")"
  done
  awk -v max="$max" -v min="$min" 'BEGIN {
    printf "  target peak RSS <= 32 MB:          %.1f MB  %s\n", max * 1024 / 1e6, (max * 1024 <= 32e6) ? "met" : "MISSED"
    printf "  target RSS flat (max/min <= 1.25): %.2f  %s\n", max / min, (max / min <= 1.25) ? "met" : "MISSED"
  }'
}
flat farvel "farvel ($MODE)"
[ "$MODE" = pipeline ] && flat only "farvel report alone (normalised)"
echo
awk -v f="$f" -v pl="$(val time polars)" -v pd="$(val time pandas)" '
function verdict(ok) { return ok ? "met" : "MISSED" }
BEGIN {
  printf "target >= 1.5x faster than polars: %.2fx  %s\n", pl / f, verdict(pl / f >= 1.5)
  printf "target >= 8x faster than pandas:   %.2fx  %s\n", pd / f, verdict(pd / f >= 8)
}'
if [ "$MODE" = pipeline ]; then
  o="$(val time "only_$ROWS")"
  awk -v f="$o" -v pl="$(val time polars)" -v pd="$(val time pandas)" 'BEGIN {
    printf "  (farvel report alone: %.2fx polars, %.2fx pandas)\n", pl / f, pd / f
  }'
fi
