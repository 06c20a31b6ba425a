#!/usr/bin/env bash
# The README's test command after the checks: the main suite (unit and lab) and the speech-engine
# suite side by side. The lab tests mostly wait on real-time calls, so the speech suite (decoding
# files, CPU-bound, niced to keep out of the calls' way) uses their idle time; its output follows
# the main suite's. Fails if either fails.
set -u
cd "$(dirname "$0")/.."
log=$(mktemp)
nice -n 10 npx vitest run --config test/speech/vitest.config.ts > "$log" 2>&1 &
speech=$!
npx vitest run
main=$?
wait "$speech"
sp=$?
cat "$log"
rm -f "$log"
[ "$main" -eq 0 ] && [ "$sp" -eq 0 ]
