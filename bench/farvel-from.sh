#!/usr/bin/env bash
# bench/farvel-from.sh WORKTREE|REVISION: build that source's farvel in
# release mode and print the path of a copy that stays put.
#
# A folder is built as it is (a helper's worktree, uncommitted changes
# included and noted); anything else is a git revision of this repository
# (`main`, `build`, a commit), exported with `git archive` into
# bench/out/src-REV and built from there. Builds go into this repository's
# target/ (CARGO_TARGET_DIR, `cargo build --release --locked`), so sources
# with the same Cargo.lock share one set of compiled dependencies and nothing
# is written into another worktree. The copy is
# bench/.tools/farvel-NAME-COMMIT[-dirty] with a `.source` note beside it
# naming the source and commit, which bench/build.sh and bench/report.sh print.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

src="${1:?usage: bench/farvel-from.sh WORKTREE|REVISION}"
if [ -d "$src" ]; then
  wt="$(cd "$src" && pwd)"
  name="$(git -C "$wt" rev-parse --abbrev-ref HEAD)"
  commit="$(git -C "$wt" rev-parse --short HEAD)"
  dirty=""
  git -C "$wt" diff --quiet HEAD -- src Cargo.toml themes || dirty="-dirty"
  what="worktree $wt, branch $name"
else
  commit="$(git -C "$REPO_DIR" rev-parse --short "$src^{commit}")"
  name="${src//\//-}"
  dirty=""
  wt="$OUT_DIR/src-$name-$commit"
  if [ ! -f "$wt/Cargo.toml" ]; then
    mkdir -p "$wt"
    git -C "$REPO_DIR" archive "$commit" | tar -x -C "$wt"
  fi
  what="git revision $src"
fi
say "building $what, commit $commit$dirty, in release mode ..."
CARGO_TARGET_DIR="$REPO_DIR/target" cargo build --release --locked -q --manifest-path "$wt/Cargo.toml"
mkdir -p "$TOOLS"
bin="$TOOLS/farvel-$name-$commit$dirty"
cp "$REPO_DIR/target/release/farvel" "$bin"
printf '%s, commit %s%s (built %s)\n' "$what" "$commit" "${dirty:+ plus uncommitted changes}" \
  "$(date -u +%Y-%m-%dT%H:%MZ)" >"$bin.source"
echo "$bin"
