#!/usr/bin/env bash
# The scheduler's decisions alone (SchedulingCycleBench, see docs/BENCHMARKS.md): the scheduling thread's CPU per
# decision at 5,000 nodes, in process, without API server or agent.
#
# Usage: bench/cycle.sh [REVISION [PAIRS]]
#   without REVISION: one JVM of this checkout (working tree included);
#   with REVISION: PAIRS (default 3) JVMs of each side in turns, this checkout first, then both sides' means. The
#   other side runs this checkout's benchmark code against REVISION's scheduler and api modules (whose defaulting
#   then shapes its pods); its clone is removed at the end.
# Environment: BENCH_CYCLE_ARGS (default "--nodes 5000 --warmup 10000 --pods 30000 --rounds 3"), passed to every JVM.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/find-java.sh"
java="$JAVA_HOME/bin/java"

usage() {
  echo "usage: bench/cycle.sh [REVISION [PAIRS]]" >&2
  exit 2
}
[ $# -le 2 ] || usage
pairs=${2:-3}
if ! [[ "$pairs" =~ ^[1-9][0-9]?$ ]]; then
  echo "bench/cycle.sh: PAIRS must be a number from 1 to 99, not \"$pairs\"" >&2
  exit 2
fi
commit=""
if [ $# -ge 1 ] && ! commit=$(git -C "$root" rev-parse --verify --quiet "$1^{commit}"); then
  echo "bench/cycle.sh: \"$1\" is no commit of $root" >&2
  exit 2
fi
args=${BENCH_CYCLE_ARGS:---nodes 5000 --warmup 10000 --pods 30000 --rounds 3}

work=$(mktemp -d /tmp/gantry-cycle.XXXXXX)
trap 'rm -rf "$work"' EXIT
# offline first, as bench/run.sh does; online when something is missing from the local repository
build() { mvn -q -B -o -DskipTests package "$@" || mvn -q -B -DskipTests package "$@"; }
(cd "$root" && build -pl bench -am) >"$work/build.log" 2>&1 || {
  echo "bench/cycle.sh: the build failed:" >&2; tail -20 "$work/build.log" >&2; exit 1; }
this_cp="$root/bench/target/gantry-bench.jar:$root/bench/target/lib/*"
other_cp=""
if [ -n "$commit" ]; then
  short=$(git -C "$root" rev-parse --short "$commit")
  mkdir "$work/other"
  git -C "$root" archive "$commit" | tar -x -C "$work/other"
  (cd "$work/other" && build -pl scheduler -am) >"$work/build-other.log" 2>&1 || {
    echo "bench/cycle.sh: building $short's scheduler failed:" >&2; tail -20 "$work/build-other.log" >&2; exit 1; }
  # the other side's scheduler and api classes come first on the class path and win
  jars=$(ls "$work"/other/scheduler/target/gantry-scheduler-*.jar "$work"/other/api/target/gantry-api-*.jar 2>/dev/null \
    | grep -v -e sources -e tests || true)
  if [ "$(echo "$jars" | grep -c .)" -ne 2 ]; then
    echo "bench/cycle.sh: building $short gave no scheduler and api jars" >&2
    exit 1
  fi
  other_cp=$(echo "$jars" | tr '\n' ':')$this_cp
fi

# side LABEL CLASSPATH: one JVM of the benchmark; appends "LABEL RESULT..." lines to the results.
side() {
  local label=$1 cp=$2
  # shellcheck disable=SC2086 # the arguments are words on purpose
  "$java" -Xms4g -Xmx4g -XX:+AlwaysPreTouch -cp "$cp" io.gantry.scheduler.SchedulingCycleBench $args \
    >"$work/last.log" 2>&1 || { echo "bench/cycle.sh: a JVM of $label failed:" >&2; tail -20 "$work/last.log" >&2; exit 1; }
  grep '^RESULT' "$work/last.log" | sed "s/^/$label /" | tee -a "$work/results" \
    | awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^(round|cpu_us_per_decision)=/) printf " %s", $i; print "  (" $1 ")" }'
}

if [ -z "$commit" ]; then
  side this "$this_cp"
  exit 0
fi
echo "bench/cycle.sh: $pairs JVMs of each side in turns, this checkout against $short" >&2
for ((i = 1; i <= pairs; i++)); do
  side this "$this_cp"
  side "$short" "$other_cp"
done
echo
awk '{ for (i = 2; i <= NF; i++) { split($i, kv, "=")
         if (kv[1] == "cpu_us_per_decision") { sum[$1] += kv[2]; n[$1]++ } } }
     END { for (s in sum) printf "%-10s mean of %d rounds: %.1f us of the scheduling thread per decision\n", s, n[s],
             sum[s] / n[s] }' "$work/results"
