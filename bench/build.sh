#!/usr/bin/env bash
# bench/build.sh: `farvel build` against pyxform, side by side in one run.
#
#   bench/build.sh                      # builds farvel here (cargo build --release)
#   FARVEL_BIN=/path/to/farvel bench/build.sh
#
# Whole-process wall times (hyperfine, median; warm-up run first; each run
# builds into a folder that does not exist yet) of
#   - farvel build on surveys/exit-interview.yaml (one survey, every language),
#   - farvel build on 1,000 copies of it with different ids (one process),
#   - xls2xform --skip_validate (pyxform) on the equivalent XLSForm that
#     bench/make_xlsform.py writes from the same YAML (and, as a reference,
#     pyxform's convert() in one warm process: no Python start, no imports),
# then the per-form ratio, the CPU time (user + system) of each, and every
# built page's size. Targets (issue 3):
# >= 100x faster than pyxform per form; 1,000 surveys < 1 s; each
# exit-interview page <= 40 KB. Env: RUNS_ONE (20), RUNS_PYXFORM (10),
# RUNS_MANY (3), SURVEYS (1000), BENCH_OUT (bench/out).

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RUNS_ONE="${RUNS_ONE:-20}"
RUNS_PYXFORM="${RUNS_PYXFORM:-10}"
RUNS_MANY="${RUNS_MANY:-3}"
SURVEYS="${SURVEYS:-1000}"
SURVEY="$REPO_DIR/surveys/exit-interview.yaml"

ensure_venv
ensure_hyperfine
ensure_farvel

W="$OUT_DIR/build"
# Deleting thousands of files makes the next few thousand file creations
# slow on some file systems (ext4 without a journal skips every inode freed
# in the last 30 s, one by one), which would be charged to farvel. So old
# outputs are moved into $TRASH, a rename that frees nothing, and deleted
# only after the timings.
TRASH="$OUT_DIR/build-trash"
mkdir -p "$TRASH"
[ ! -e "$W" ] || mv "$W" "$TRASH/old-$$"
trap 'rm -rf "$TRASH"' EXIT
mkdir -p "$W/one" "$W/many"
RESULTS="$W/results.tsv"
: >"$RESULTS"

cp "$SURVEY" "$W/one/exit-interview.yaml"
for i in $(seq -w 1 "$SURVEYS"); do
  sed "s/^id: exit-interview\$/id: exit-interview-$i/" "$SURVEY" >"$W/many/exit-interview-$i.yaml"
done
XLSFORM_DESC="$("$PY" "$BENCH_DIR/make_xlsform.py" "$SURVEY" --out "$W/exit-interview.xlsx")"

cd "$REPO_DIR"
if ! "$FARVEL_BIN" build "$W/one" --out "$W/dist-one" >"$W/check.log" 2>&1; then
  say "error: '$FARVEL_BIN build' failed on the exit interview:"
  sed 's/^/  /' "$W/check.log" >&2
  say "hint: set FARVEL_BIN to a binary with a working 'farvel build'"
  exit 2
fi
"$VENV/bin/xls2xform" --skip_validate "$W/exit-interview.xlsx" "$W/exit-interview.xml" >/dev/null 2>&1

echo "# farvel build vs pyxform ($(date -u +%Y-%m-%dT%H:%MZ))"
echo "machine: $(describe_machine)"
echo "farvel:  $(describe_farvel)"
echo "pyxform: $("$PY" -c 'import pyxform; print(pyxform.__version__)' 2>/dev/null || "$VENV/bin/pip" show pyxform | sed -n 's/^Version: //p'), $(python3 --version); XLSForm: $XLSFORM_DESC"
echo "timing:  $(command -v hyperfine >/dev/null && hyperfine --version || echo 'python loop'), median, 1 warm-up run"
echo

say "timing (this takes a minute) ..."
PREPARE="rm -rf $W/dist-one" measure farvel_one "$RUNS_ONE" \
  "$FARVEL_BIN" build "$W/one" --out "$W/dist-one"
PREPARE="" measure pyxform_one "$RUNS_PYXFORM" \
  "$VENV/bin/xls2xform" --skip_validate "$W/exit-interview.xlsx" "$W/exit-interview.xml"
PREPARE="sh -c '[ ! -e $W/dist-many ] || mv $W/dist-many $TRASH/many-\$(date +%s%N)'" measure farvel_many "$RUNS_MANY" \
  "$FARVEL_BIN" build "$W/many" --out "$W/dist-many"

val() { awk -F'\t' -v k="$1" -v n="$2" '$1 == k && $2 == n { print $3 }' "$RESULTS"; }
# CPU time (user + system, mean of the runs) from hyperfine's export: on a
# shared machine it moves less than the wall time; 0 without hyperfine.
cpu() {
  "$PY" -c 'import json, sys; r = json.load(open(sys.argv[1]))["results"][0]; print(r["user"] + r["system"])' \
    "$OUT_DIR/hyperfine-$1.json" 2>/dev/null || echo 0
}
one="$(val time farvel_one)"
pyx="$(val time pyxform_one)"
many="$(val time farvel_many)"
one_cpu="$(cpu farvel_one)"
pyx_cpu="$(cpu pyxform_one)"
many_cpu="$(cpu farvel_many)"
# Diagnostic: the same build with its output in memory (tmpfs), to show
# how much of the time is the file system (creating ~5 inodes per survey
# right after the previous run's were deleted costs much more on some
# disks than the rendering).
inmem=""
inmem_cpu=0
SHM="${BENCH_SHM:-/dev/shm}"
if [ -d "$SHM" ] && [ -w "$SHM" ]; then
  SHM_OUT="$SHM/farvel-bench-$$"
  PREPARE="rm -rf $SHM_OUT" measure farvel_many_tmpfs "$RUNS_MANY" \
    "$FARVEL_BIN" build "$W/many" --out "$SHM_OUT"
  rm -rf "$SHM_OUT"
  inmem="$(val time farvel_many_tmpfs)"
  inmem_cpu="$(cpu farvel_many_tmpfs)"
fi
inproc="$("$PY" "$BENCH_DIR/pyxform_inproc.py" "$W/exit-interview.xlsx" "$RUNS_PYXFORM")"

awk -v one="$one" -v pyx="$pyx" -v many="$many" -v n="$SURVEYS" -v inproc="$inproc" \
  -v inmem="$inmem" -v inmem_cpu="$inmem_cpu" -v one_cpu="$one_cpu" -v pyx_cpu="$pyx_cpu" -v many_cpu="$many_cpu" '
function verdict(ok) { return ok ? "met" : "MISSED" }
BEGIN {
  printf "%-44s %13s %10s %13s\n", "command (whole process)", "median", "pyxform/t", "CPU (mean)"
  printf "%-44s %10.1f ms %9.1fx %10.1f ms\n", "farvel build exit-interview (1 survey)", one * 1000, pyx / one, one_cpu * 1000
  printf "%-44s %10.1f ms %9.1fx %10.1f ms\n", "xls2xform --skip_validate (1 XLSForm)", pyx * 1000, 1, pyx_cpu * 1000
  printf "%-44s %10.1f ms %9.1fx %10.1f ms\n", "farvel build " n " surveys (1 process)", many * 1000, pyx * n / many, many_cpu * 1000
  printf "%-44s %10.3f ms %21.3f ms\n", "  = per survey", many * 1000 / n, many_cpu * 1000 / n
  if (inmem != "")
    printf "%-44s %10.1f ms %21.1f ms  (diagnostic only)\n", "  the same with --out on tmpfs", inmem * 1000, inmem_cpu * 1000
  printf "%-44s %10.1f ms\n", "pyxform convert() in one warm process", inproc * 1000
  printf "%-44s %24.1fx\n", "  farvel build (1 survey, whole process) vs that", inproc / one
  print ""
  printf "target >= 100x pyxform per form: %.0fx  %s\n", pyx / one, verdict(pyx / one >= 100)
  printf "target %d surveys < 1 s:        %.3f s  %s\n", n, many, verdict(many < 1)
}'

echo
echo "pages of the exit interview (target <= 40 KB = 40,000 bytes each; gzip -9 for reference):"

while IFS=$'\t' read -r bytes page; do
  gz="$(gzip -9c "$W/dist-one/$page" | wc -c)"
  ok="met"
  [ "$bytes" -le 40000 ] || { ok="MISSED"; }
  printf '  %-40s %8d bytes (%5.1f KB; gzip %6d)  %s\n' "$page" "$bytes" \
    "$(awk -v b="$bytes" 'BEGIN { print b / 1000 }')" "$gz" "$ok"
done < <("$PY" "$BENCH_DIR/stats.py" sizes "$W/dist-one")

"$PY" "$BENCH_DIR/stats.py" sizes "$W/dist-many" >"$OUT_DIR/build-pages.tsv"
echo "pages of the $SURVEYS surveys (every size, with how many pages have it; list in $OUT_DIR/build-pages.tsv):"
cut -f1 "$OUT_DIR/build-pages.tsv" | sort -n | uniq -c |
  awk '{ printf "  %6d pages of %8d bytes\n", $1, $2; pages += $1; total += $1 * $2 }
       END { printf "  %6d pages, %d bytes in all\n", pages, total }'
exit 0
