#!/usr/bin/env bash
# fuzz.sh runs every Fuzz* target in the module for FUZZTIME (default 20s)
# each, one after the other. Used by `make fuzz`.
#
#   scripts/fuzz.sh            run them all; exit non-zero if any failed
#   scripts/fuzz.sh -l         list the targets (package and name), run none
#   scripts/fuzz.sh REGEXP     run only targets whose name matches REGEXP
#
# A failing input is written by go test under <pkg>/testdata/fuzz/<Target>/
# and replays as a regression case in every later `go test`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
FUZZTIME="${FUZZTIME:-20s}"
list=0
filter='.'
case "${1:-}" in
-l | --list) list=1 ;;
-h | --help) sed -n '2,10p' "$0"; exit 0 ;;
"") ;;
*) filter="$1" ;;
esac

targets=()
while IFS= read -r file; do
	dir="./$(dirname "$file")"
	for f in $(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*\*testing\.F).*/\1/p' "$file"); do
		if [[ "$f" =~ $filter ]]; then
			targets+=("$dir $f")
		fi
	done
done < <(grep -rl --include='*_test.go' '^func Fuzz' . | grep -v '^\./\.cache/' | sed 's|^\./||' | sort)

if [ "$list" = 1 ]; then
	printf '%s\n' "${targets[@]}"
	exit 0
fi

n=0
failed=()
for t in "${targets[@]}"; do
	read -r dir f <<<"$t"
	echo "fuzz $dir $f ($FUZZTIME)"
	if ! go test -run '^$' -fuzz "^$f\$" -fuzztime "$FUZZTIME" "$dir"; then
		failed+=("$dir $f")
	fi
	n=$((n + 1))
done
echo "$n fuzz targets run, ${#failed[@]} failed"
if [ "${#failed[@]}" -gt 0 ]; then
	printf 'failed: %s\n' "${failed[@]}"
	exit 1
fi
