#!/bin/sh
# library/python-test: runs pytest in `dir` (under the workspace), writes a JUnit
# report and prints its summary as outputs. pytest's exit code is the verdict.
set -eu
dir=$(co-input dir)
args=$(co-input args)
requirements=$(co-input requirements)
report=$(co-input report)
root=${CO_WORKSPACE:-/workspace}
for p in "$dir" "$report"; do
  case "$p" in /*|..|../*|*/../*|*/..) echo "paths must be inside the workspace, got \"$p\"" >&2; exit 64 ;; esac
done
cd "$root/${dir:-.}" 2>/dev/null || { echo "no directory $root/${dir:-.}: clone the code first (library/git-clone with workspace: true)" >&2; exit 1; }
python=python3
if [ -n "$requirements" ]; then
  # Debian's Python is externally managed: install into a virtual environment that still sees pytest.
  python3 -m venv --system-site-packages /tmp/venv
  /tmp/venv/bin/pip install --quiet --disable-pip-version-check -r "$requirements"
  python=/tmp/venv/bin/python
fi
xml=$root/${report:-pytest-junit.xml}
mkdir -p "$(dirname "$xml")"
status=0
# shellcheck disable=SC2086
"$python" -m pytest -p no:cacheprovider --junitxml="$xml" $args || status=$?
if [ -f "$xml" ]; then python3 /usr/local/lib/coflow/junit-summary.py "$xml"; fi
echo "[COUT] report = $xml"
case "$status" in
  5) echo "pytest collected no tests in $PWD" >&2 ;;
esac
exit "$status"
