#!/usr/bin/env bash
# fuzz.sh runs every Fuzz* target in the module for FUZZTIME (default 20s)
# each, one after the other. Used by `make fuzz`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
FUZZTIME="${FUZZTIME:-20s}"
n=0
while IFS= read -r file; do
	dir="./$(dirname "$file")"
	for f in $(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*\*testing\.F).*/\1/p' "$file"); do
		echo "fuzz $dir $f ($FUZZTIME)"
		go test -run '^$' -fuzz "^$f\$" -fuzztime "$FUZZTIME" "$dir"
		n=$((n + 1))
	done
done < <(grep -rl --include='*_test.go' '^func Fuzz' . | grep -v '^\./\.cache/' | sed 's|^\./||' | sort)
echo "$n fuzz targets run"
