#!/usr/bin/env bash
# Compares the scheduling benchmark (4 in docs/BENCHMARKS.md) of this checkout, working tree included, with another
# revision, in rounds that alternate between the two: this checkout, the other, this checkout, ... On a shared
# machine whose speed drifts over an hour (run AB saw the same code at 1,504 and 1,976 pods/s), rounds run at
# different times compare the machine, not the code; alternating rounds see the same drift on both sides.
#
# Usage: bench/compare.sh REVISION [PAIRS]     (PAIRS rounds of each, default 3)
# Environment: BENCH_SCHED_SIZES (one size, default 5000x30000) and BENCH_SCHED_MODES (one mode, default
# deployments) choose the round; everything else bench/run.sh reads (heaps, JIT, warm-up, BENCH_SCHED_AGENT, GANTRY_JAVA_OPTS) is
# passed on to both sides alike. Prints each round's figures and both sides' means; the other revision's clone is
# removed at the end.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

usage() {
  echo "usage: bench/compare.sh REVISION [PAIRS]" >&2
  exit 2
}
[ $# -ge 1 ] && [ $# -le 2 ] || usage
pairs=${2:-3}
if ! [[ "$pairs" =~ ^[1-9][0-9]?$ ]]; then
  echo "bench/compare.sh: PAIRS must be a number from 1 to 99, not \"$pairs\"" >&2
  exit 2
fi
if ! commit=$(git -C "$root" rev-parse --verify --quiet "$1^{commit}"); then
  echo "bench/compare.sh: \"$1\" is no commit of $root" >&2
  exit 2
fi
size=${BENCH_SCHED_SIZES:-5000x30000}
mode=${BENCH_SCHED_MODES:-deployments}
if ! [[ "$size" =~ ^[0-9]+x[0-9]+$ ]] || ! [[ "$mode" =~ ^(pods|deployments)$ ]]; then
  echo "bench/compare.sh: one size (e.g. 5000x30000) and one mode (pods or deployments), not \"$size\" \"$mode\"" >&2
  exit 2
fi

work=$(mktemp -d /tmp/gantry-compare.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/other"
git -C "$root" archive "$commit" | tar -x -C "$work/other"
short=$(git -C "$root" rev-parse --short "$commit")
if [ "${BENCH_SCHED_AGENT:-simulated}" != simulated ] && ! grep -q "BENCH_SCHED_AGENT:-" "$work/other/bench/run.sh"; then
  echo "bench/compare.sh: $short's bench/run.sh has no BENCH_SCHED_AGENT: its rounds would run with the agent" >&2
  exit 2
fi

# round TREE LABEL: one scheduling round in TREE; appends "LABEL RESULT..." to the results.
round() {
  local tree=$1 label=$2 result
  result=$(cd "$tree" && BENCH_ONLY=scheduling BENCH_SCHED_SIZES="$size" BENCH_SCHED_MODES="$mode" bench/run.sh \
    2>"$work/last.log" | grep '^RESULT bench=scheduling' | tail -1) || true
  if [ -z "$result" ]; then
    echo "bench/compare.sh: the round of $label gave no result; its log:" >&2
    tail -20 "$work/last.log" >&2
    exit 1
  fi
  echo "$label $result" >>"$work/results"
  echo "$label $result" | format
}

# format: the figures that compare code, one line per round.
format() {
  awk '{ printf "%-10s", $1
         for (i = 2; i <= NF; i++) { split($i, kv, "=")
           if (kv[1] ~ /^(bind_pods_per_s|bound_p99_ms|server_cpu_cores|server_gc_cores|server_work_ms_per_pod|server_scheduler_thread_ms_per_pod|agent_cpu_cores|other_cpu_cores)$/)
             printf " %s=%s", kv[1], kv[2] }
         print "" }'
}

echo "bench/compare.sh: $pairs pairs of $size $mode rounds, this checkout against $short" >&2
for ((i = 1; i <= pairs; i++)); do
  round "$root" "this"
  round "$work/other" "$short"
done
echo
awk -v pairs="$pairs" '{ for (i = 2; i <= NF; i++) { split($i, kv, "=")
         if (kv[1] == "bind_pods_per_s") rate[$1] += kv[2]
         if (kv[1] == "server_work_ms_per_pod") work[$1] += kv[2] } }
     END { for (side in rate)
             printf "%-10s mean of %d rounds: %.0f pods/s, %.3f ms of control-plane work per pod\n", side, pairs,
               rate[side] / pairs, work[side] / pairs }' "$work/results"
