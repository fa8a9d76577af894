#!/usr/bin/env bash
# bench/farvel-from.sh WORKTREE: build WORKTREE's farvel in release mode and
# print the path of a copy that stays put while the worktree moves on.
#
# Builds with `cargo build --release --locked` into this repository's
# target/ (CARGO_TARGET_DIR), so that several worktrees with the same
# Cargo.lock share one set of compiled dependencies and nothing is written
# into WORKTREE itself. The copy is bench/.tools/farvel-BRANCH-COMMIT[-dirty]
# with a `.source` file beside it naming the branch and commit, which
# bench/build.sh and bench/report.sh print.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

wt="$(cd "${1:?usage: bench/farvel-from.sh WORKTREE}" && pwd)"
branch="$(git -C "$wt" rev-parse --abbrev-ref HEAD)"
commit="$(git -C "$wt" rev-parse --short HEAD)"
dirty=""
git -C "$wt" diff --quiet HEAD -- src Cargo.toml themes || dirty="-dirty"
say "building $wt ($branch $commit$dirty) in release mode ..."
CARGO_TARGET_DIR="$REPO_DIR/target" cargo build --release --locked -q --manifest-path "$wt/Cargo.toml"
mkdir -p "$TOOLS"
bin="$TOOLS/farvel-$branch-$commit$dirty"
cp "$REPO_DIR/target/release/farvel" "$bin"
printf 'branch %s, commit %s%s (built %s)\n' "$branch" "$commit" "${dirty:+ plus uncommitted changes}" \
  "$(date -u +%Y-%m-%dT%H:%MZ)" >"$bin.source"
echo "$bin"
