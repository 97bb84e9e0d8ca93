#!/usr/bin/env bash
# Benchmarks of the Gantry API server (see docs/BENCHMARKS.md): builds the distribution and the benchmark
# module, then for each benchmark starts a fresh server on 127.0.0.1 (and a throw-away etcd for the etcd case),
# runs it, and stops everything again, also when a step fails or the script is interrupted.
#
# Environment: BENCH_QUICK=1 shortens every run (smoke test); BENCH_KEEP=1 keeps the work directory (logs,
# data); GANTRY_JAVA_OPTS is passed to the servers (e.g. -XX:StartFlightRecording=filename=x.jfr to profile),
# BENCH_CLIENT_JAVA_OPTS to the benchmark clients;
# BENCH_ONLY=scheduling runs only the scheduling benchmark (4), BENCH_ONLY=api only the API server ones (1-3),
# BENCH_ONLY=startup only pod startup on a real node with Docker Swarm beside it (5; as root, with runc, the CNI
# plugins and busybox; the Swarm part needs docker.io's dockerd and is left out, saying so, without it);
# BENCH_ONLY=services only the service rules, the cluster DNS with dnsmasq beside it, cluster IP traffic and
# endpoint propagation to three nodes (6; as root, with nft; the DNS peer needs dnsmasq-base and is left out,
# saying so, without it); BENCH_ONLY=healing only the self-healing figures (7; as root: a crashed container
# against Docker Swarm, which needs docker.io's dockerd, a 60 s control-plane outage, a node cut off from the network
# with short and with default settings; BENCH_HEALING_PARTS picks some of crash, outage, cutoff and cutoff-defaults);
# BENCH_SCHED_SIZES (nodes x pods, e.g. "1000x10000 5000x30000"), BENCH_SCHED_MODES (pods, deployments, both or
# "pods deployments"; default both) and BENCH_SCHED_WARMUP (pods created and
# scheduled first, not measured, so that the measured round runs on compiled code) shape the scheduling runs;
# BENCH_SCHED_SERVER_HEAP and BENCH_SCHED_AGENT_HEAP (default 6g and 3g, as GANTRY_HEAP sets them; "default" leaves
# the JVM to size and grow its heap) give their control plane and agent a fixed, pre-touched heap;
# BENCH_SCHED_SERVER_JIT and BENCH_SCHED_AGENT_JIT (tiered or c2, as GANTRY_JIT sets them; default c2 for both)
# choose how their control plane and agent compile;
# BENCH_SCHED_CLIENTS (default 16) is how many clients create the bare pods at once; BENCH_SCHED_AGENT=none runs
# the scheduling benchmark without an agent, on nodes the benchmark registers as API objects (as Kubernetes'
# scheduler_perf does: the scheduler and controllers alone, pods bound and never run).

set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
source "$root/scripts/find-java.sh"
source "$root/scripts/jvm-heap.sh"
source "$root/scripts/jvm-jit.sh"
source "$root/scripts/jvm-base.sh"
java="$JAVA_HOME/bin/java"

if [ "${BENCH_QUICK:-0}" = 1 ]; then
  warmup=2; duration=5; watchers=100; rate=100; light_rate=5; watch_seconds=5; pods=1000; runs=3
  sched_sizes="200x1000"; sched_timeout=60; sched_warmup=200; startup_pods=20; healing_pods=5; healing_runs=3
  sched_server_heap=${BENCH_SCHED_SERVER_HEAP:-default}; sched_agent_heap=${BENCH_SCHED_AGENT_HEAP:-default}
  sched_server_jit=${BENCH_SCHED_SERVER_JIT:-tiered}; sched_agent_jit=${BENCH_SCHED_AGENT_JIT:-tiered}
else
  warmup=5; duration=20; watchers=1000; rate=500; light_rate=5; watch_seconds=20; pods=10000; runs=5
  sched_sizes="${BENCH_SCHED_SIZES:-1000x10000 5000x10000 5000x30000}"; sched_timeout=${BENCH_SCHED_TIMEOUT:-180}
  sched_warmup=${BENCH_SCHED_WARMUP:-10000}; startup_pods=${BENCH_STARTUP_PODS:-100}
  sched_server_heap=${BENCH_SCHED_SERVER_HEAP:-6g}; sched_agent_heap=${BENCH_SCHED_AGENT_HEAP:-3g}
  sched_server_jit=${BENCH_SCHED_SERVER_JIT:-c2}; sched_agent_jit=${BENCH_SCHED_AGENT_JIT:-c2}
  healing_pods=${BENCH_HEALING_PODS:-20}; healing_runs=${BENCH_HEALING_RUNS:-10}
fi
only=${BENCH_ONLY:-all}
sched_agent=${BENCH_SCHED_AGENT:-simulated}
case "$sched_agent" in simulated|none) ;; *) echo "bench: BENCH_SCHED_AGENT must be simulated or none" >&2; exit 1 ;; esac
case "$only" in all|api|scheduling|startup|services|healing) ;; *) echo "bench: BENCH_ONLY must be api, scheduling, startup, services or healing" >&2; exit 1 ;; esac
sched_modes=${BENCH_SCHED_MODES:-both}
[ "$sched_modes" = both ] && sched_modes="pods deployments"
for mode in $sched_modes; do
  case "$mode" in pods|deployments) ;; *) echo "bench: BENCH_SCHED_MODES must be pods, deployments or both, not \"$BENCH_SCHED_MODES\"" >&2; exit 1 ;; esac
done
clients=16
for heap in "$sched_server_heap" "$sched_agent_heap"; do
  [ "$heap" = default ] || heap_options "$heap" >/dev/null || exit 1
done
for jit in "$sched_server_jit" "$sched_agent_jit"; do
  jit_options "$jit" >/dev/null || exit 1
done
etcd_binary=${ETCD_BINARY:-/usr/bin/etcd}
kubectl_binary=${KUBECTL_BINARY:-/usr/bin/kubectl}
[ "$only" = scheduling ] || [ "$only" = startup ] || [ "$only" = services ] || [ "$only" = healing ] || for tool in "$etcd_binary" "$kubectl_binary"; do
  [ -x "$tool" ] || { echo "bench: $tool is required (scripts/install-host-deps.sh test installs etcd)" >&2; exit 1; }
done

load=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load" 'BEGIN { exit !(l > 1.0) }'; then
  echo "bench: WARNING: load average is $load before starting; other processes will compete for the CPUs" >&2
fi
echo "bench: building (mvn package, tests skipped)..." >&2
(mvn -q -B -o -DskipTests package >&2 || mvn -q -B -DskipTests package >&2) || { echo "bench: build failed" >&2; exit 1; }
gantry_cp="$root/cli/target/gantry.jar:$root/cli/target/lib/*"
bench_cp="$root/bench/target/gantry-bench.jar:$root/bench/target/lib/*"

work=$(mktemp -d "${TMPDIR:-/tmp}/gantry-bench.XXXXXX")
results="$work/results.txt"
: >"$results"
started_pids=()

stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 150); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

cleanup() {
  local status=$? pid
  for pid in "${started_pids[@]}"; do
    stop_pid "$pid"
  done
  if [ "${BENCH_KEEP:-0}" = 1 ] || [ $status -ne 0 ]; then
    echo "bench: logs and data kept in $work" >&2
  else
    rm -rf "$work"
  fi
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  local p i
  for i in $(seq 1 200); do
    p=$((20000 + RANDOM % 40000))
    if ! ss -Htln "sport = :$p" | grep -q .; then
      echo "$p"
      return 0
    fi
  done
  echo "bench: no free port found" >&2
  return 1
}

# start_server NAME [extra server options...]: sets server_pid, server_url, server_data.
start_server() {
  local name=$1 port i
  shift
  server_data="$work/$name"
  mkdir -p "$server_data"
  # shellcheck disable=SC2086
  "$java" $(base_options) ${GANTRY_JAVA_OPTS:-} -cp "$gantry_cp" io.gantry.cli.Main server --data-dir "$server_data" --port 0 \
    --bind-address 127.0.0.1 "$@" >"$work/$name.log" 2>&1 &
  server_pid=$!
  started_pids+=("$server_pid")
  for i in $(seq 1 900); do
    port=$(sed -n 's/.*ready on https:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/$name.log" | head -1)
    if [ -n "$port" ]; then
      server_url="https://127.0.0.1:$port"
      echo "bench: server $name (pid $server_pid) ready on $server_url" >&2
      return 0
    fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "bench: server $name did not start:" >&2
  tail -20 "$work/$name.log" >&2
  return 1
}

start_etcd() {
  local client_port peer_port i
  client_port=$(free_port)
  peer_port=$(free_port)
  etcd_url="http://127.0.0.1:$client_port"
  "$etcd_binary" --name bench --data-dir "$work/etcd-data" \
    --listen-client-urls "$etcd_url" --advertise-client-urls "$etcd_url" \
    --listen-peer-urls "http://127.0.0.1:$peer_port" --initial-advertise-peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "bench=http://127.0.0.1:$peer_port" >"$work/etcd.log" 2>&1 &
  etcd_pid=$!
  started_pids+=("$etcd_pid")
  for i in $(seq 1 200); do
    if curl -fsS --max-time 1 "$etcd_url/health" 2>/dev/null | grep -q true; then
      echo "bench: etcd (pid $etcd_pid) ready on $etcd_url" >&2
      return 0
    fi
    kill -0 "$etcd_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "bench: etcd did not start:" >&2
  tail -20 "$work/etcd.log" >&2
  return 1
}

forget_pid() {
  local pid=$1 kept=() p
  for p in "${started_pids[@]}"; do
    [ "$p" = "$pid" ] || kept+=("$p")
  done
  started_pids=("${kept[@]+"${kept[@]}"}")
}

stop_started() {
  local pid=$1
  stop_pid "$pid"
  if [ "$pid" = "${server_pid:-}" ]; then
    server_pid=""
  fi
  forget_pid "$pid"
}

bench() {
  local class=$1
  shift
  echo "bench: running $class $*" >&2
  # In the background so that a signal to this script is handled at once (bash runs traps only between
  # foreground commands); the cleanup then stops the benchmark too.
  timeout 300 "$java" -Xmx2g ${BENCH_CLIENT_JAVA_OPTS:-} -cp "$bench_cp" "io.gantry.bench.$class" "$@" > >(tee -a "$results") &
  local pid=$!
  started_pids+=("$pid")
  if ! wait "$pid"; then
    echo "bench: $class failed" >&2
    return 1
  fi
  forget_pid "$pid"
  # A server that died during the run makes the numbers meaningless; say so instead of printing them as valid.
  if [ -n "${server_pid:-}" ] && ! kill -0 "$server_pid" 2>/dev/null; then
    echo "bench: the server (pid $server_pid) is gone after $class; see its log in $work" >&2
    return 1
  fi
}

if [ "$only" = all ] || [ "$only" = api ]; then
# 1a. Creates through the API on the embedded store.
start_server writes-sqlite
bench WriteBench --url "$server_url" --data-dir "$server_data" --store sqlite --clients $clients \
  --warmup $warmup --duration $duration --server-pid "$server_pid"
stop_started "$server_pid"
# ... and pods (the scheduling benchmark's pod), which cost the server far more per create.
start_server writes-pods
bench WriteBench --url "$server_url" --data-dir "$server_data" --store sqlite --kind pod --clients $clients \
  --warmup $warmup --duration $duration --server-pid "$server_pid"
stop_started "$server_pid"

# 1b. etcd alone (the peer), then creates through the API on etcd.
start_etcd
bench EtcdPutBench --endpoint "$etcd_url" --clients $clients --warmup $warmup --duration $duration \
  --etcd-pid "$etcd_pid"
start_server writes-etcd --store etcd --etcd-endpoints "$etcd_url"
bench WriteBench --url "$server_url" --data-dir "$server_data" --store etcd --clients $clients \
  --warmup $warmup --duration $duration --server-pid "$server_pid"
stop_started "$server_pid"
stop_started "$etcd_pid"

# 2. Watch fan-out on the embedded store: the goal's load, then a light load that shows the latency when the
#    machine is not saturated (each on a fresh server).
start_server watch
bench WatchBench --url "$server_url" --data-dir "$server_data" --watchers $watchers --rate $rate \
  --duration $watch_seconds --server-pid "$server_pid"
stop_started "$server_pid"
start_server watch-light
bench WatchBench --url "$server_url" --data-dir "$server_data" --watchers $watchers --rate $light_rate \
  --duration $watch_seconds --server-pid "$server_pid"
stop_started "$server_pid"

# 3. Listing pods on the embedded store, with the real kubectl.
start_server list
mkdir -p "$work/kubectl-home"
"$java" -cp "$gantry_cp" io.gantry.cli.Main kubeconfig --data-dir "$server_data" --server "$server_url" \
  -o "$work/kubeconfig" >/dev/null
bench ListBench --url "$server_url" --data-dir "$server_data" --pods $pods --namespaces 10 --runs $runs \
  --server-pid "$server_pid" --kubeconfig "$work/kubeconfig" --kubectl "$kubectl_binary" \
  --home "$work/kubectl-home"
stop_started "$server_pid"
fi

# 4. Scheduling: a control plane (gantry server: API server, scheduler, controller manager) and one agent process
#    with N simulated nodes; P pods created as bare pods (16 clients), then, on a fresh cluster, as P/100
#    Deployments of 100 replicas. Each size is "NODESxPODS".
# heap_or_default SIZE: the options of a fixed heap of SIZE, none for "default".
heap_or_default() {
  if [ "$1" = default ]; then echo ""; else heap_options "$1"; fi
}

# start_cluster NAME [OPTION...]: sets server_pid, server_url, server_data.
start_cluster() {
  local name=$1 port i heap
  shift
  heap="$(base_options) $(heap_or_default "$sched_server_heap") $(jit_options "$sched_server_jit")"
  server_data="$work/$name/server"
  mkdir -p "$server_data"
  # shellcheck disable=SC2086
  "$java" $heap ${GANTRY_JAVA_OPTS:-} -cp "$gantry_cp" io.gantry.cli.Main server --data-dir "$server_data" --port 0 \
    --bind-address 127.0.0.1 "$@" >"$work/$name/up.log" 2>&1 &
  server_pid=$!
  started_pids+=("$server_pid")
  for i in $(seq 1 900); do
    port=$(sed -n 's/.*ready on https:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/$name/up.log" | head -1)
    if [ -n "$port" ]; then
      server_url="https://127.0.0.1:$port"
      echo "bench: control plane $name (pid $server_pid; heap $sched_server_heap, JIT $sched_server_jit) ready on $server_url" >&2
      return 0
    fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "bench: control plane $name did not start:" >&2
  tail -20 "$work/$name/up.log" >&2
  return 1
}

# start_agent NAME NODES: joins one agent process with NODES simulated nodes; sets agent_pid.
start_agent() {
  local name=$1 nodes=$2 token i t0 heap
  heap="$(base_options) $(heap_or_default "$sched_agent_heap") $(jit_options "$sched_agent_jit")"
  token=$("$java" -cp "$gantry_cp" io.gantry.cli.Main token --data-dir "$server_data")
  t0=$(date +%s.%N)
  # Nodes of 8 cores and 32 GiB hold 64 of the benchmark's pods (100m, 500Mi) each: 1,000 of them take the
  # warm-up's pods and 30,000 more (the default 4 cores and 16 GiB hold 32).
  # shellcheck disable=SC2086
  "$java" $heap ${GANTRY_AGENT_JAVA_OPTS:-} -cp "$gantry_cp" io.gantry.cli.Main agent --server "$server_url" \
    --token "$token" --simulate "$nodes" --sim-cpu 8 --sim-memory 32Gi --name sim --data-dir "$work/$name/agent" \
    >"$work/$name/agent.log" 2>&1 &
  agent_pid=$!
  started_pids+=("$agent_pid")
  # The agent reports joined once it has tried to register every node.
  for i in $(seq 1 3000); do
    if grep -q 'joined' "$work/$name/agent.log"; then
      echo "bench: agent (pid $agent_pid; heap $sched_agent_heap, JIT $sched_agent_jit) registered $nodes nodes in $(awk -v a="$t0" -v b="$(date +%s.%N)" \
        'BEGIN { printf "%.1f", b - a }') s" >&2
      return 0
    fi
    kill -0 "$agent_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "bench: agent did not join:" >&2
  tail -20 "$work/$name/agent.log" >&2
  return 1
}

if [ "$only" = all ] || [ "$only" = scheduling ]; then
  for size in $sched_sizes; do
    nodes=${size%x*}
    sched_pods=${size#*x}
    for mode in $sched_modes; do
      name="sched-$nodes-$sched_pods-$mode"
      if [ "$sched_agent" = none ]; then
        # Nodes that never heartbeat must stay Ready for the whole run.
        start_cluster "$name" --node-monitor-grace-period 1h
        bench SchedulingBench --url "$server_url" --data-dir "$server_data" --nodes "$nodes" --pods "$sched_pods" \
          --mode "$mode" --replicas 100 --clients "${BENCH_SCHED_CLIENTS:-$clients}" --timeout "$sched_timeout" \
          --warmup-pods "$sched_warmup" --server-pid "$server_pid" --register-nodes "$nodes"
        stop_started "$server_pid"
        continue
      fi
      start_cluster "$name"
      start_agent "$name" "$nodes"
      bench SchedulingBench --url "$server_url" --data-dir "$server_data" --nodes "$nodes" --pods "$sched_pods" \
        --mode "$mode" --replicas 100 --clients "${BENCH_SCHED_CLIENTS:-$clients}" --timeout "$sched_timeout" --warmup-pods "$sched_warmup" \
        --server-pid "$server_pid" --agent-pid "$agent_pid"
      if ! kill -0 "$agent_pid" 2>/dev/null; then
        echo "bench: the agent (pid $agent_pid) is gone after the run; see its log in $work/$name" >&2
        exit 1
      fi
      stop_started "$agent_pid"
      stop_started "$server_pid"
    done
  done
fi

# 5. Pod startup on a real node: gantry up (the control plane and this host as a node, with the sample image
#    built from the host's busybox), P pods of that image created at once; then Docker Swarm on the same machine,
#    a service of P replicas of the same busybox content, timed until all replicas run.
if [ "$only" = all ] || [ "$only" = startup ]; then
  bench/startup.sh "$work/startup" "$startup_pods" "$gantry_cp" "$bench_cp" "$java" | tee -a "$results"
fi

# 6. The node's service rules (1,000 services x 10 endpoints in a network namespace of its own), the cluster
#    DNS beside dnsmasq, both on 127.0.0.1, traffic through a cluster IP against the pod IP, and an endpoint
#    change reaching every node of a three-node cluster.
if [ "$only" = all ] || [ "$only" = services ]; then
  bench/services.sh "$work/services" "${BENCH_SERVICES:-1000}" "${BENCH_SERVICE_ENDPOINTS:-10}" "$bench_cp" "$java" \
    | tee -a "$results"
  # requests through a cluster IP against straight to the pod, among as many other services
  bench/service-traffic.sh "$work/service-traffic" "$((${BENCH_SERVICES:-1000} - 1))" "${BENCH_SERVICE_ENDPOINTS:-10}" \
    "$bench_cp" "$java" | tee -a "$results"
  # an endpoint change reaching the rules of every node of a three-node cluster (agents in namespaces)
  for mode in nftables iptables; do
    bench/endpoints.sh "$work/endpoints-$mode" 3 "${BENCH_ENDPOINT_CHANGES:-100}" "${BENCH_SERVICES:-1000}" \
      "${BENCH_SERVICE_ENDPOINTS:-10}" "$mode" "$gantry_cp" "$bench_cp" "$java" | tee -a "$results"
  done
fi

# 7. Self-healing: a crashed container serving again (Docker Swarm beside it), pods through a 60 s control-plane
#    outage, and a node cut off from the network until its pods run elsewhere (real agents in namespaces as hosts).
if [ "$only" = all ] || [ "$only" = healing ]; then
  bench/healing.sh "$work/healing" "$healing_pods" "$healing_runs" "$gantry_cp" "$bench_cp" "$java" | tee -a "$results"
fi

echo
echo "==== results ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) CPUs, load average now: $(cut -d' ' -f1-3 /proc/loadavg)) ===="
grep -v '^RESULT' "$results" || true
echo
grep '^RESULT' "$results"
