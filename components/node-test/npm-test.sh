#!/bin/sh
# library/node-test: installs a Node.js project's dependencies (when it has any)
# and runs an npm script (`test`); its exit code is the verdict. The summary of a
# TAP reporter (node --test, tap, tape) becomes outputs.
set -eu
dir=$(co-input dir)
script=$(co-input script)
install=$(co-input install)
root=${CO_WORKSPACE:-/workspace}
case "$dir" in /*|..|../*|*/../*|*/..) echo "input \"dir\" must be a path inside the workspace, got \"$dir\"" >&2; exit 64 ;; esac
cd "$root/${dir:-.}" 2>/dev/null || { echo "no directory $root/${dir:-.}: clone the code first (library/git-clone with workspace: true)" >&2; exit 1; }
[ -f package.json ] || { echo "no package.json in $PWD" >&2; exit 1; }
echo "node $(node --version), npm $(npm --version)"
echo "[COUT] node = $(node --version)"
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
case "${install:-auto}" in
  auto)
    if [ -f package-lock.json ] || [ -f npm-shrinkwrap.json ]; then npm ci
    elif jq -e '(.dependencies // {}) + (.devDependencies // {}) | length > 0' package.json >/dev/null; then npm install
    fi ;;
  ci) npm ci ;;
  install) npm install ;;
  none) ;;
  *) echo "input \"install\" must be auto, ci, install or none, got \"$install\"" >&2; exit 64 ;;
esac
log=$(mktemp)
status=0
{ npm run "${script:-test}" 2>&1; echo $? >"$log.status"; } | tee "$log"
status=$(cat "$log.status")
# TAP summaries: "# tests 3", "# pass 2", "# fail 1", "# skip 0" (node --test also "# todo", "# cancelled").
for pair in tests:tests pass:passed fail:failures skip:skipped; do
  n=$(sed -n "s/^# ${pair%%:*} \([0-9][0-9]*\)$/\1/p" "$log" | tail -n 1)
  [ -z "$n" ] || echo "[COUT] ${pair#*:} = $n"
done
echo "[COUT] exit = $status"
rm -f "$log" "$log.status"
exit "$status"
