#!/usr/bin/env bash
# Run every check given on the command line (executables or scripts), show
# their output, and add up their closing "N passed, N failed[, N skipped]"
# lines.  A check that exits non-zero without such a line counts as one
# failure, and so does one that runs longer than CHECK_TIMEOUT seconds
# (default 1800: a hang must not eat CI's time).  Ends with the grand
# total; exits non-zero on any failure.
set -uo pipefail
tp=0 tf=0 ts=0
for c in "$@"; do
	echo "=== $c"
	out=$(mktemp)
	timeout "${CHECK_TIMEOUT:-1800}" "$c" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	[ "$rc" -eq 124 ] && echo "run-checks: $c timed out after ${CHECK_TIMEOUT:-1800} s"
	line=$(grep -E '^([A-Za-z_-]+: )?[0-9]+ passed, [0-9]+ failed' "$out" | tail -1)
	rm -f "$out"
	if [ -z "$line" ]; then
		echo "run-checks: $c printed no result line (exit $rc)"
		tf=$((tf + 1)); continue
	fi
	p=$(sed -E 's/.*\b([0-9]+) passed.*/\1/' <<<"$line")
	f=$(sed -E 's/.*\b([0-9]+) failed.*/\1/' <<<"$line")
	s=0; grep -q skipped <<<"$line" && s=$(sed -E 's/.*\b([0-9]+) skipped.*/\1/' <<<"$line")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "run-checks: $c exited $rc"; f=1
	fi
	tp=$((tp + p)) tf=$((tf + f)) ts=$((ts + s))
done
echo "$tp passed, $tf failed, $ts skipped"
[ "$tf" -eq 0 ]
