#!/bin/sh
# library/git-clone: clones `url` (at `branch`, or the remote's default branch)
# into `dir` under the workspace and reports the commit it checked out.
set -eu
url=$(co-input -r url)
branch=$(co-input branch)
depth=$(co-input depth)
dir=$(co-input dir)
root=${CO_WORKSPACE:-/workspace}
case "$dir" in
  /*|..|../*|*/../*|*/..) echo "input \"dir\" must be a path inside the workspace, got \"$dir\"" >&2; exit 64 ;;
esac
target=$root/${dir:-.}
[ -n "${CO_WORKSPACE:-}" ] || echo "note: no workspace is mounted (workspace: true): the clone ends with this job" >&2
case "$depth" in ''|0) depth_args= ;; *[!0-9]*) echo "input \"depth\" must be a number, got \"$depth\"" >&2; exit 64 ;; *) depth_args="--depth $depth" ;; esac

# A retried attempt finds the previous attempt's clone: start again from nothing.
if [ -e "$target" ] && [ -n "$(ls -A "$target" 2>/dev/null)" ]; then
  if [ -d "$target/.git" ]; then rm -rf "$target"; else echo "$target exists and is not a git clone: refusing to overwrite it" >&2; exit 1; fi
fi
mkdir -p "$target"
# The URL may carry credentials: never print it whole.
shown=$(printf '%s' "$url" | sed -E 's#^([a-z+]+://)[^/@]*@#\1***@#')
echo "cloning $shown${branch:+ (branch $branch)} into $target"
# shellcheck disable=SC2086
git -c advice.detachedHead=false clone --quiet $depth_args ${branch:+--branch "$branch"} -- "$url" "$target"
cd "$target"
git config --global --add safe.directory "$target"
commit=$(git rev-parse HEAD)
current=$(git symbolic-ref --quiet --short HEAD || echo "$branch")
subject=$(git log -1 --format=%s)
echo "checked out $commit: $subject"
echo "[COUT] commit = $commit"
echo "[COUT] branch = $current"
echo "[COUT] message = $subject"
echo "[COUT] dir = $target"
