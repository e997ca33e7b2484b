#!/bin/sh
# Echoes its inputs as outputs: CO_DATA "a=1 b=2" → [COUT] a = 1, [COUT] b = 2.
# The input `exit` sets the exit code, `result` sets CO_RESULT.
echo "component started: attempt ${CO_ATTEMPT} of ${CO_JOB} in ${CO_RUN_ID}"
code=0
for pair in $CO_DATA; do
  key=${pair%%=*}
  value=${pair#*=}
  case "$key" in
    exit) code=$value ;;
    result) echo "[COUT] CO_RESULT = $value" ;;
    *) echo "[COUT] $key = $value" ;;
  esac
done
echo "CO_DATA_JSON=$CO_DATA_JSON" >&2
exit "$code"
