#!/usr/bin/env bash
# Compare the outputs of two runs of the shipped designs byte for byte.
#   tools/compare_outputs.sh OLD_DIR NEW_DIR
# OLD_DIR and NEW_DIR hold one folder per design (as `ftsim run <design>
# --out DIR/<design>` writes it); every summary.json and layers.csv of OLD_DIR
# must exist in NEW_DIR with the same bytes. The one field that measures the
# host, not the design, `wall_seconds` (simulation wall time), is set aside
# before comparing summary.json; nothing else is. Exit 0 when all are
# identical, 1 when any differs or is missing, 2 on bad arguments.
set -euo pipefail

if [ $# -ne 2 ] || [ ! -d "$1" ] || [ ! -d "$2" ]; then
  echo "usage: tools/compare_outputs.sh OLD_DIR NEW_DIR (both directories)" >&2
  exit 2
fi
old=$1 new=$2
# The wall time is a measurement of this machine, different on every run.
strip_wall() { sed -E 's/("wall_seconds": )[-0-9.eE+]+/\1WALL/' "$1"; }

designs=0 same=0 differ=0
for dir in "$old"/*/; do
  design=$(basename "$dir")
  [ -f "$dir/summary.json" ] || continue
  designs=$((designs + 1))
  ok=1
  for f in summary.json layers.csv; do
    if [ ! -f "$new/$design/$f" ]; then
      echo "MISSING  $design/$f"
      ok=0
    elif [ "$f" = summary.json ]; then
      if ! cmp -s <(strip_wall "$dir/$f") <(strip_wall "$new/$design/$f"); then
        echo "DIFFERS  $design/$f"
        diff <(strip_wall "$dir/$f") <(strip_wall "$new/$design/$f") | head -10
        ok=0
      fi
    elif ! cmp -s "$dir/$f" "$new/$design/$f"; then
      echo "DIFFERS  $design/$f"
      diff "$dir/$f" "$new/$design/$f" | head -10
      ok=0
    fi
  done
  if [ $ok = 1 ]; then
    echo "same     $design (summary.json except wall_seconds, layers.csv)"
    same=$((same + 1))
  else
    differ=$((differ + 1))
  fi
done
echo "$designs designs: $same identical, $differ differ"
[ "$designs" -gt 0 ] && [ "$differ" -eq 0 ]
