#!/usr/bin/env bash
# Benchmark of `farvel build` (issue 3), side by side with pyxform in one run:
#   1. whole-process time of `farvel build` on the exit-interview example;
#   2. whole-process time of `farvel build` on 1,000 generated surveys;
#   3. whole-process time of pyxform's `xls2xform --skip_validate` on an
#      equivalent 30-question XLSForm (pyxform installed with pip into a
#      throw-away virtual environment);
# then the ratio per form and the size of every exit-interview page.
# A benchmark, not a test: it prints figures for BENCHMARKS.md.
# Usage: bench/build.sh [RUNS]   (default 5 runs per measurement; best kept)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${1:-5}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml"
FARVEL="$ROOT/target/release/farvel"

EXIT="$ROOT/surveys/exit-interview.yaml"
[ -f "$EXIT" ] || EXIT="$ROOT/tests/fixtures/build/exit/exit-interview.yaml"

# Best wall-clock seconds of RUNS runs of a command.
best() {
  python3 - "$RUNS" "$@" <<'PY'
import subprocess, sys, time
runs = int(sys.argv[1]); cmd = sys.argv[2:]
times = []
for _ in range(runs):
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append(time.perf_counter() - t)
print(f"{min(times):.4f}")
PY
}

# 1,000 surveys: the exit interview under 1,000 ids.
mkdir -p "$WORK/many"
for i in $(seq -w 1 1000); do
  sed "s/^id: .*/id: exit-$i/" "$EXIT" > "$WORK/many/exit-$i.yaml"
done

# pyxform in its own virtual environment.
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install --quiet pyxform openpyxl
"$WORK/venv/bin/python" - "$WORK/exit.xlsx" <<'PY'
# A 30-question XLSForm shaped like the exit interview: choices, multi,
# scales as select_one lists, text, an nps, a matrix as 10 rows, relevance.
import sys
from openpyxl import Workbook
wb = Workbook()
survey = wb.active
survey.title = "survey"
survey.append(["type", "name", "label::English (en)", "label::Norsk (nb)", "relevant", "required"])
survey.append(["select_one reason", "reason", "Main reason", "Hovedgrunn", "", "yes"])
survey.append(["select_multiple factors", "factors", "Other factors", "Andre faktorer", "", ""])
survey.append(["text", "manager_detail", "Manager", "Leder", "${reason} = 'manager' or selected(${factors}, 'manager')", ""])
for i in range(10):
    survey.append(["select_one scale5", f"rating_{i}", f"Rating {i}", f"Vurdering {i}", "", ""])
for i in range(10):
    survey.append(["select_one agree5", f"culture_{i}", f"Statement {i}", f"Påstand {i}", "", ""])
for i in range(4):
    survey.append(["text", f"text_{i}", f"Text {i}", f"Tekst {i}", "", ""])
survey.append(["select_one nps", "enps", "Recommend", "Anbefale", "", ""])
survey.append(["select_one dept", "department", "Department", "Avdeling", "", ""])
survey.append(["select_one tenure", "tenure", "Tenure", "Ansiennitet", "", ""])
choices = wb.create_sheet("choices")
choices.append(["list_name", "name", "label::English (en)", "label::Norsk (nb)"])
for v in ["pay", "manager", "growth", "workload", "culture", "relocation", "personal", "other"]:
    choices.append(["reason", v, v, v])
for v in ["pay", "manager", "growth", "workload", "culture", "flexibility", "commute", "none"]:
    choices.append(["factors", v, v, v])
for n in range(1, 6):
    choices.append(["scale5", str(n), str(n), str(n)])
    choices.append(["agree5", str(n), f"agree {n}", f"enig {n}"])
for n in range(0, 11):
    choices.append(["nps", str(n), str(n), str(n)])
for v in ["sales", "engineering", "support", "operations", "prefer_not"]:
    choices.append(["dept", v, v, v])
for v in ["lt1", "y1_3", "y3_plus", "prefer_not"]:
    choices.append(["tenure", v, v, v])
settings = wb.create_sheet("settings")
settings.append(["form_title", "form_id", "default_language"])
settings.append(["Exit survey", "exit", "English (en)"])
wb.save(sys.argv[1])
PY

echo "farvel $("$FARVEL" --version | cut -d' ' -f2), $RUNS runs each, best wall-clock time, $(nproc) cores"
one=$(best "$FARVEL" build "$EXIT" --out "$WORK/dist1" --force)
many=$(best "$FARVEL" build "$WORK/many" --out "$WORK/dist2" --force)
pyx=$(best "$WORK/venv/bin/xls2xform" --skip_validate "$WORK/exit.xlsx" "$WORK/exit.xml")
python3 - "$one" "$many" "$pyx" <<'PY'
import sys
one, many, pyx = map(float, sys.argv[1:])
print(f"farvel build, exit interview (1 survey, 2 pages):   {one*1000:8.1f} ms")
print(f"farvel build, 1,000 surveys (2,000 pages):          {many*1000:8.1f} ms  ({many/1000*1000:.2f} ms per survey)")
print(f"pyxform xls2xform --skip_validate, 30 questions:    {pyx*1000:8.1f} ms")
print(f"ratio per form, pyxform / farvel (single survey):   {pyx/one:8.1f}x")
print(f"ratio per form, pyxform / farvel (in a batch):      {pyx/(many/1000):8.1f}x")
PY
echo "page sizes (bytes):"
find "$WORK/dist1" -name '*.html' -printf '  %s  %P\n' | sort -k2
