# bench/lib.sh: helpers sourced by bench/build.sh and bench/report.sh.
#
# Installs what the benchmarks need when it is missing (idempotent): the
# Python venv in bench/.venv (pyxform, pandas, polars, openpyxl, pyyaml from
# PyPI), hyperfine and GNU time (apt), xsv (cargo install into bench/.tools).
# Finds the farvel binary (FARVEL_BIN, else `cargo build --release` here),
# times commands (hyperfine, else a Python loop; median of N runs) and reads
# peak RSS with `/usr/bin/time -v`. Results go to "$RESULTS" as TSV lines:
# kind<TAB>name<TAB>value.

set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
VENV="$BENCH_DIR/.venv"
PY="$VENV/bin/python"
TOOLS="$BENCH_DIR/.tools"
OUT_DIR="${BENCH_OUT:-$BENCH_DIR/out}"
mkdir -p "$OUT_DIR"

say() { printf '%s\n' "$*" >&2; }

ensure_venv() {
  if [ -x "$PY" ] && "$PY" -c 'import pyxform, pandas, polars, openpyxl, yaml' 2>/dev/null; then
    return
  fi
  say "setting up $VENV (pyxform pandas polars openpyxl pyyaml)"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q pyxform pandas polars openpyxl pyyaml
}

apt_install() { # apt_install PACKAGE: quietly, once
  command -v apt-get >/dev/null || return 1
  apt-get install -y -qq "$1" >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq "$1" >/dev/null 2>&1; }
}

ensure_hyperfine() {
  command -v hyperfine >/dev/null || apt_install hyperfine ||
    say "hyperfine not available: timing with a Python loop instead"
}

ensure_time() {
  [ -x /usr/bin/time ] || apt_install time || { say "error: /usr/bin/time missing"; exit 2; }
}

ensure_xsv() {
  XSV="${XSV_BIN:-$(command -v xsv || echo "$TOOLS/bin/xsv")}"
  if [ ! -x "$XSV" ]; then
    say "installing xsv into $TOOLS (cargo install, once)"
    cargo install xsv --locked --root "$TOOLS" -q
    XSV="$TOOLS/bin/xsv"
  fi
}

# FARVEL_BIN, else build this repository's release binary.
ensure_farvel() {
  if [ -z "${FARVEL_BIN:-}" ]; then
    say "building farvel (cargo build --release in $REPO_DIR)"
    (cd "$REPO_DIR" && cargo build --release -q)
    FARVEL_BIN="$REPO_DIR/target/release/farvel"
  fi
  [ -x "$FARVEL_BIN" ] || { say "error: $FARVEL_BIN is not an executable"; exit 2; }
}

# Which source the binary came from: the git commit of the worktree that
# holds it (target/release/farvel), marked +dirty with uncommitted changes.
describe_farvel() {
  if [ -f "$FARVEL_BIN.source" ]; then
    printf '%s (%s, %s)' "$("$FARVEL_BIN" --version 2>/dev/null || echo farvel)" "$FARVEL_BIN" "$(cat "$FARVEL_BIN.source")"
    return
  fi
  local root
  root="$(cd "$(dirname "$FARVEL_BIN")/../.." 2>/dev/null && pwd || true)"
  local ver
  ver="$("$FARVEL_BIN" --version 2>/dev/null || echo farvel)"
  if [ -n "$root" ] && git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
    local branch commit dirty=""
    branch="$(git -C "$root" rev-parse --abbrev-ref HEAD)"
    commit="$(git -C "$root" rev-parse --short HEAD)"
    git -C "$root" diff --quiet HEAD -- src Cargo.toml themes 2>/dev/null || dirty="+dirty"
    printf '%s (%s, branch %s, commit %s%s)' "$ver" "$FARVEL_BIN" "$branch" "$commit" "$dirty"
  else
    printf '%s (%s)' "$ver" "$FARVEL_BIN"
  fi
}

describe_machine() {
  local cpu
  cpu="$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)"
  printf 'nproc %s, %s, load average %s' "$(nproc)" "${cpu:-unknown CPU}" \
    "$(cut -d' ' -f1-3 /proc/loadavg)"
}

# measure NAME RUNS CMD...: median wall seconds of RUNS runs (after one
# warm-up run) -> "time NAME seconds" in $RESULTS. PREPARE (env) runs
# before each timed run when set.
measure() {
  local name="$1" runs="$2"
  shift 2
  local json="$OUT_DIR/hyperfine-$name.json" med
  if command -v hyperfine >/dev/null; then
    local cmd
    cmd="$(printf '%q ' "$@")"
    local prep=()
    [ -n "${PREPARE:-}" ] && prep=(--prepare "$PREPARE")
    hyperfine -N --style none --warmup 1 --runs "$runs" "${prep[@]}" \
      --export-json "$json" -- "$cmd" >/dev/null 2>&1 ||
      { say "error: $name failed: $cmd"; "$@" >/dev/null || true; exit 2; }
    med="$("$PY" "$BENCH_DIR/stats.py" hyperfine "$json")"
  else
    med="$("$PY" "$BENCH_DIR/stats.py" loop "$runs" "${PREPARE:-}" -- "$@")"
  fi
  printf 'time\t%s\t%s\n' "$name" "$med" >>"$RESULTS"
  say "  $name: median $med s over $runs runs"
}

# peak_rss NAME CMD...: maximum resident set size (KB) of one run.
peak_rss() {
  local name="$1"
  shift
  local log="$OUT_DIR/time-$name.log" kb
  /usr/bin/time -v "$@" >/dev/null 2>"$log" || { say "error: $name failed (see $log)"; exit 2; }
  kb="$(sed -n 's/.*Maximum resident set size (kbytes): *//p' "$log")"
  printf 'rss\t%s\t%s\n' "$name" "$kb" >>"$RESULTS"
  say "  $name: peak RSS $kb KB"
}
