#!/usr/bin/env bash
# Benchmark 6d (called by bench/run.sh): endpoint change -> service rules in place, on every node.
# Usage: endpoints.sh WORK_DIR NODES CHANGES SERVICES ENDPOINTS PROXY_MODE GANTRY_CLASSPATH BENCH_CLASSPATH JAVA
#
# A control plane on a test bridge (198.18.N.1/24, made here) and NODES real agents, each in a network namespace
# of its own behind a veth on that bridge, as hosts of one cluster. EndpointPropagationBench creates SERVICES-1
# services of ENDPOINTS endpoints each, then changes the EndpointSlice of one more CHANGES times and times when each node's rules name the new endpoint (nft monitor in each
# namespace). The agents run no pods. Everything started or made is stopped or removed at the end.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/hosts.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/jvm-base.sh"
work=$1 nodes=$2 changes=$3 services=$4 endpoints=$5 proxy_mode=$6 gantry_cp=$7 bench_cp=$8 java=$9
rm -rf "$work" && mkdir -p "$work"
suffix=$(printf '%04x' $((RANDOM % 65536)))
bridge="gbep$suffix" prefix="198.18.$((RANDOM % 200 + 20))."
pids=()
say() { echo "endpoints: $*" >&2; }

cleanup() {
  local status=$?
  set +e
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  hosts_down "$bridge" "$nodes"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM
[ "$(id -u)" = 0 ] || { say "network namespaces need root"; exit 1; }
command -v nft >/dev/null || { say "nft is missing (apt-get install nftables)"; exit 1; }

hosts_up "$bridge" "$prefix" "$nodes"

"$java" $(base_options) ${GANTRY_JAVA_OPTS:-} -cp "$gantry_cp" io.gantry.cli.Main server --data-dir "$work/server" --port 0 \
  --bind-address "${prefix}1" --tls-san "${prefix}1" >"$work/server.log" 2>&1 &
pids+=($!)
port=""
for _ in $(seq 1 600); do
  port=$(sed -n 's/.*ready on https:\/\/[0-9.]*:\([0-9]*\).*/\1/p' "$work/server.log" | head -1)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { say "gantry server did not start:"; tail -20 "$work/server.log" >&2; exit 1; }
url="https://${prefix}1:$port"
token=$("$java" -cp "$gantry_cp" io.gantry.cli.Main token --data-dir "$work/server")
for i in $(seq 1 "$nodes"); do
  nsenter --net="/run/netns/$bridge-$i" "$java" $(base_options) -Xmx256m -cp "$gantry_cp" io.gantry.cli.Main agent --server "$url" \
    --token "$token" --data-dir "$work/agent$i" --node-name "bench-$i" --node-ip "$prefix$((10 + i))" \
    --run-dir "$work/run$i" --proxy-mode "$proxy_mode" >"$work/agent$i.log" 2>&1 &
  pids+=($!)
done
for i in $(seq 1 "$nodes"); do
  for _ in $(seq 1 600); do grep -q "runs its pods" "$work/agent$i.log" 2>/dev/null && break; sleep 0.1; done
  grep -q "runs its pods" "$work/agent$i.log" || { say "agent $i did not start:"; tail -20 "$work/agent$i.log" >&2; exit 1; }
done
say "control plane on $url, $nodes agents in namespaces $bridge-1..$nodes"
namespaces=$(seq -s, -f "$bridge-%g" 1 "$nodes")
"$java" -cp "$bench_cp" io.gantry.bench.EndpointPropagationBench --url "$url" --data-dir "$work/server" \
  --netns "$namespaces" --changes "$changes" --interval-ms 200 --fillers "$((services - 1))" --endpoints "$endpoints" \
  --label "$proxy_mode"
