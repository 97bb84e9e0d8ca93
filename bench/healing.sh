#!/usr/bin/env bash
# Benchmark 7 (called by bench/run.sh): self-healing. Usage: healing.sh WORK_DIR PODS RUNS GANTRY_CLASSPATH
# BENCH_CLASSPATH JAVA
#
# Clusters as bench/endpoints.sh makes them: a control plane on a test bridge (198.18.N.1/24, made here) and real
# agents, each in a network namespace of its own behind a veth on that bridge, as hosts; every agent has the
# benchmark's image (the host's busybox running httpd on port 8080) imported. Parts (BENCH_HEALING_PARTS, all by
# default, in this order):
#   crash            a Deployment of RUNS pods on one node; each pod's container is SIGKILLed once (a first restart,
#                    which has no back-off) and HttpRecovery, in the node's namespace, times the kill until the pod
#                    IP answers HTTP again. Then Docker Swarm on the same machine: a service of 1 replica publishing
#                    its port on 127.0.0.1, its task's process SIGKILLed RUNS times, timed until the port answers
#                    again, first with Swarm's default restart delay (5 s), then with --restart-delay 0s.
#   outage           one node, PODS pods with liveness and readiness probes; the control plane is SIGKILLed, started
#                    again 60 s later on its data; the pods' restarts and uids before and after.
#   cutoff           two nodes and short failure detection (grace 6 s, tolerations 4 s, leases of 4 s); PODS pods
#                    all on node 1, whose host-side link is then set down; PodsReadyWatch times the cut until
#                    PODS pods are Ready on node 2. Then the link comes back and the old copies on node 1 are timed
#                    until they stop. 3 runs.
#   cutoff-defaults  the same once with the defaults (grace 40 s, tolerations 300 s): about six minutes.
# Everything started or made is stopped or removed at the end, also when a step fails: processes, containers,
# mounts, pod cgroups, namespaces, the bridge and its FORWARD rule, and dockerd with what it made.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/hosts.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/jvm-base.sh"
work=$1 pods=$2 runs=$3 gantry_cp=$4 bench_cp=$5 java=$6
parts=${BENCH_HEALING_PARTS:-crash outage cutoff cutoff-defaults}
cutoff_runs=${BENCH_HEALING_CUTOFF_RUNS:-3}
kubectl_binary=${KUBECTL_BINARY:-/usr/bin/kubectl}
image=localhost/gantry-heal:1
mkdir -p "$work"
suffix=$(printf '%04x' $((RANDOM % 65536)))
bridge="gbhl$suffix" prefix="198.18.$((RANDOM % 200 + 20))."
say() { echo "healing: $*" >&2; }
now_ms() { date +%s%3N; }
seconds_since() { awk -v a="$1" -v b="$(now_ms)" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; }

# --- cluster: hosts in namespaces, a control plane, agents ---
cluster="" nodes=0 server_pid="" port="" url="" server_args=() agent_pids=() cgroups_before=""
k() { HOME="$work/kube-home" "$kubectl_binary" --kubeconfig "$cluster/kubeconfig" --request-timeout=20s "$@"; }
gantry() { "$java" -cp "$gantry_cp" io.gantry.cli.Main "$@"; }
pod_cgroups() { ls -d /sys/fs/cgroup/*/gantry/pod* 2>/dev/null | sort || true; }
runc_on() { local node=$1; shift; runc --root "$cluster/run$node/runc" "$@"; }

# wait_for SECONDS DESCRIPTION COMMAND...: polls COMMAND every 0.25 s; fails the script after SECONDS
wait_for() {
  local seconds=$1 what=$2 i
  shift 2
  for i in $(seq 1 $((seconds * 4))); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.25
  done
  say "timed out after $seconds s waiting for $what"
  return 1
}

start_server() {
  local log="$cluster/server-$(now_ms).log"
  "$java" $(base_options) ${GANTRY_JAVA_OPTS:-} -cp "$gantry_cp" io.gantry.cli.Main server --data-dir "$cluster/server" \
    --port "${port:-0}" --bind-address "${prefix}1" --tls-san "${prefix}1" "${server_args[@]}" >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 900); do
    grep -q 'ready on https' "$log" && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  port=$(sed -n 's/.*ready on https:\/\/[0-9.]*:\([0-9]*\).*/\1/p' "$log" | head -1)
  [ -n "$port" ] || { say "gantry server did not start:"; tail -20 "$log" >&2; return 1; }
  url="https://${prefix}1:$port"
}

# cluster_up NAME NODES "SERVER OPTIONS" "AGENT OPTIONS"
cluster_up() {
  local i token agent_args
  cluster="$work/$1" nodes=$2 port="" agent_pids=()
  read -r -a server_args <<<"$3"
  read -r -a agent_args <<<"$4"
  mkdir -p "$cluster" "$work/kube-home"
  cgroups_before=$(pod_cgroups)
  hosts_up "$bridge" "$prefix" "$nodes"
  for i in $(seq 1 "$nodes"); do
    gantry images import --data-dir "$cluster/agent$i" "$work/image.tar" >/dev/null
  done
  start_server
  token=$(gantry token --data-dir "$cluster/server")
  for i in $(seq 1 "$nodes"); do
    nsenter --net="/run/netns/$bridge-$i" "$java" $(base_options) -Xmx512m -cp "$gantry_cp" io.gantry.cli.Main agent \
      --server "$url" --token "$token" --data-dir "$cluster/agent$i" --node-name "n$i" \
      --node-ip "$prefix$((10 + i))" --run-dir "$cluster/run$i" "${agent_args[@]}" >"$cluster/agent$i.log" 2>&1 &
    agent_pids+=($!)
  done
  for i in $(seq 1 "$nodes"); do
    wait_for 90 "agent $i" grep -q "runs its pods" "$cluster/agent$i.log" \
      || { tail -20 "$cluster/agent$i.log" >&2; return 1; }
  done
  gantry kubeconfig --data-dir "$cluster/server" --server "$url" -o "$cluster/kubeconfig" >/dev/null
  wait_for 60 "nodes Ready" nodes_ready
  say "cluster $1: control plane on $url, agents n1..n$nodes in namespaces $bridge-1..$nodes"
}

nodes_ready() {
  [ "$(k get nodes -o 'jsonpath={.items[*].status.conditions[?(@.type=="Ready")].status}' | tr ' ' '\n' \
    | grep -c True)" = "$nodes" ]
}

# cluster_down: as the cluster tests' clean-up; every step best effort, so one failing leaves nothing else behind
cluster_down() {
  [ -n "$cluster" ] || return 0
  local i id m c pid
  set +e
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    k delete deployments,pods --all --grace-period=1 --wait=false >/dev/null 2>&1
    for _ in $(seq 1 120); do [ -z "$(k get pods -o name 2>/dev/null)" ] && break; sleep 0.5; done
  fi
  for pid in "${agent_pids[@]}" $server_pid; do kill "$pid" 2>/dev/null; done
  for pid in "${agent_pids[@]}" $server_pid; do
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  # containers outlive their agent by design: the benchmark removes its own
  for i in $(seq 1 "$nodes"); do
    for id in $(runc_on "$i" list -q 2>/dev/null); do runc_on "$i" delete -f "$id" >/dev/null 2>&1; done
  done
  for m in $(awk -v d="$cluster" '$5 ~ "^"d {print $5}' /proc/self/mountinfo | sort -r); do umount -l "$m"; done
  for _ in $(seq 1 10); do
    c=$(comm -13 <(echo "$cgroups_before") <(pod_cgroups))
    [ -z "$c" ] && break
    for m in $c; do find "$m" -depth -type d -exec rmdir {} \; 2>/dev/null; done
    sleep 0.3
  done
  rmdir /sys/fs/cgroup/*/gantry 2>/dev/null
  hosts_down "$bridge" "$nodes"
  cluster="" server_pid="" agent_pids=()
  set -e
}

# --- Docker Swarm, the crash part's peer ---
dockerd_pid=""
docker=(docker -H "unix://$work/docker.sock")
docker_down() {
  [ -n "$dockerd_pid" ] || return 0
  local t c
  set +e +o pipefail
  "${docker[@]}" service rm heal >/dev/null 2>&1
  "${docker[@]}" swarm leave --force >/dev/null 2>&1
  kill -TERM "$dockerd_pid" 2>/dev/null
  for _ in $(seq 1 100); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$dockerd_pid" 2>/dev/null
  wait "$dockerd_pid" 2>/dev/null
  # the containerd dockerd started, found by the state directory only this run uses
  for pid in $(pgrep -f "containerd --config $work/docker-exec"); do kill "$pid"; done
  for l in docker0 docker_gwbridge; do ip link del "$l" 2>/dev/null; done
  for t in filter nat; do
    iptables -t "$t" -S 2>/dev/null | grep -E '^-A .*(docker0|docker_gwbridge)' | sed 's/^-A/-D/' \
      | while read -r rule; do eval iptables -t "$t" "$rule" 2>/dev/null; done
    for c in $(iptables -t "$t" -S 2>/dev/null | awk '/^-N DOCKER/ {print $2}'); do
      iptables -t "$t" -S | grep -- "-j $c" | sed 's/^-A/-D/' | while read -r rule; do
        eval iptables -t "$t" "$rule" 2>/dev/null
      done
    done
    for c in $(iptables -t "$t" -S 2>/dev/null | awk '/^-N DOCKER/ {print $2}'); do
      iptables -t "$t" -F "$c" 2>/dev/null
      iptables -t "$t" -X "$c" 2>/dev/null
    done
  done
  for m in $(awk -v w="$work" '$5 ~ "^/run/docker/netns" || $5 ~ "^"w"/docker" {print $5}' /proc/self/mountinfo \
    | sort -r); do umount -l "$m" 2>/dev/null; done
  rm -rf "$work/docker" "$work/docker-exec"
  dockerd_pid=""
  set -e -o pipefail
}

cleanup() {
  local status=$?
  set +e
  for l in $(ip -br link 2>/dev/null | awk -v b="${bridge}h" 'index($1, b) == 1 {sub("@.*", "", $1); print $1}'); do
    ip link set "$l" up 2>/dev/null
  done
  cluster_down
  docker_down
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || { say "network namespaces and containers need root"; exit 1; }
for tool in runc /usr/lib/cni/bridge /bin/busybox "$kubectl_binary"; do
  command -v "$tool" >/dev/null || { say "$tool is missing (scripts/install-host-deps.sh node installs it)"; exit 1; }
done

# percentiles [PREFIX SUFFIX]: p50/p90 (nearest rank), min and max of the numbers on stdin, as key=value pairs
percentiles() { sort -n | awk -v p="${1:-}" -v s="${2:-}" '{ v[NR] = $1 } END {
  printf "%sp50%s=%s %sp90%s=%s %smin%s=%s %smax%s=%s", p, s, v[int((NR * 50 + 99) / 100)], p, s,
    v[int((NR * 90 + 99) / 100)], p, s, v[1], p, s, v[NR] }'; }
value() { sed -n "s/.*$1=\\([^ ]*\\).*/\\1/p" | head -1; }

# The image, as a docker-archive built here: busybox (httpd and a few applets) and a page; the same rootfs goes
# to Docker with docker import.
rootfs="$work/image/rootfs"
mkdir -p "$rootfs/bin" "$rootfs/www"
cp /bin/busybox "$rootfs/bin/"
for applet in sh httpd sleep cat echo ls wget; do ln -sf busybox "$rootfs/bin/$applet"; done
echo '<h1>healing</h1>' >"$rootfs/www/index.html"
tar -C "$rootfs" --owner=0 --group=0 -cf "$work/image/layer.tar" .
diff_id=$(sha256sum "$work/image/layer.tar" | cut -d' ' -f1)
cat >"$work/image/config.json" <<EOF
{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/bin"],"Cmd":["httpd","-f","-p","8080","-h","/www"],
"ExposedPorts":{"8080/tcp":{}}},"rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]}}
EOF
echo "[{\"Config\":\"config.json\",\"RepoTags\":[\"$image\"],\"Layers\":[\"layer.tar\"]}]" >"$work/image/manifest.json"
tar -C "$work/image" -cf "$work/image.tar" manifest.json config.json layer.tar

# deployment NAME REPLICAS [probes]: the manifest on stdout
deployment() {
  local probes=""
  if [ "${3:-}" = probes ]; then
    probes="
        livenessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 3, failureThreshold: 3}
        readinessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 2}"
  fi
  cat <<EOF
apiVersion: apps/v1
kind: Deployment
metadata: {name: $1}
spec:
  replicas: $2
  selector: {matchLabels: {app: $1}}
  template:
    metadata: {labels: {app: $1}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: web
        image: $image
        imagePullPolicy: Never$probes
EOF
}

deployed() { # NAME REPLICAS TIMEOUT
  deployment "$1" "$2" "${4:-}" | k apply -f - >/dev/null
  k rollout status "deployment/$1" --timeout="${3}s" >/dev/null
}

no_pods() { [ -z "$(k get pods -o name)" ]; }
# running container ids on node N whose id starts with a pod's uid
containers_of() { runc_on "$1" list 2>/dev/null | awk -v u="$2" 'index($1, u) == 1 && $3 == "running" {print $1}'; }

# --- crash: Gantry ---
crash_gantry() {
  local name uid ip id pid out ms
  cluster_up crash 1 "" ""
  deployed crash "$runs" 180
  : >"$work/crash-gantry.txt"
  for name in $(k get pods -l app=crash -o 'jsonpath={.items[*].metadata.name}'); do
    uid=$(k get pod "$name" -o 'jsonpath={.metadata.uid}')
    ip=$(k get pod "$name" -o 'jsonpath={.status.podIP}')
    id=$(containers_of 1 "$uid" | head -1)
    pid=$(runc_on 1 state "$id" | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
    out=$(ip netns exec "$bridge-1" "$java" -cp "$bench_cp" io.gantry.bench.HttpRecovery --address "$ip:8080" \
      --kill-pid "$pid" --timeout 60)
    ms=$(echo "$out" | value recovered_ms)
    [ -n "$ms" ] || { say "pod $name: $out"; return 1; }
    echo "$ms" >>"$work/crash-gantry.txt"
    say "gantry: pod $name (container $id, pid $pid) serving again ${ms} ms after the kill"
  done
  restarts=$(k get pods -l app=crash -o 'jsonpath={.items[*].status.containerStatuses[0].restartCount}')
  echo "gantry crash -> serving again [$runs pods, each container SIGKILLed once, restart in place]: $(percentiles <"$work/crash-gantry.txt") ms; restartCounts now: $restarts"
  echo "RESULT bench=healing-crash-gantry runs=$runs $(percentiles "" _ms <"$work/crash-gantry.txt")"
  cluster_down
}

# --- crash: Docker Swarm ---
swarm_up() {
  local p
  dockerd -H "unix://$work/docker.sock" --data-root "$work/docker" --exec-root "$work/docker-exec" \
    --pidfile "$work/docker.pid" --ip 127.0.0.1 >"$work/dockerd.log" 2>&1 &
  dockerd_pid=$!
  wait_for 60 "dockerd" "${docker[@]}" info
  "${docker[@]}" swarm init --advertise-addr 127.0.0.1 >/dev/null
  tar -C "$rootfs" -c . | "${docker[@]}" import -c 'CMD ["httpd","-f","-p","8080","-h","/www"]' -c 'ENV PATH=/bin' \
    - gantry-heal:1 >/dev/null
  swarm_port=$((20000 + RANDOM % 40000))
  "${docker[@]}" service create --detach --quiet --no-resolve-image --name heal --replicas 1 \
    --publish "mode=host,published=$swarm_port,target=8080" gantry-heal:1 >/dev/null
}

swarm_task_pid() {
  local c
  c=$("${docker[@]}" ps -q --filter label=com.docker.swarm.service.name=heal --filter status=running | head -1)
  [ -n "$c" ] && "${docker[@]}" inspect -f '{{.State.Pid}}' "$c"
}

crash_swarm() { # LABEL
  local run pid out ms
  : >"$work/crash-swarm-$1.txt"
  for run in $(seq 1 "$runs"); do
    wait_for 60 "a running Swarm task" swarm_task_pid
    pid=$(swarm_task_pid)
    [ "$run" = 1 ] && say "swarm: the published port listens on $(ss -Htln "sport = :$swarm_port" | awk '{print $4}' | xargs)"
    out=$("$java" -cp "$bench_cp" io.gantry.bench.HttpRecovery --address "127.0.0.1:$swarm_port" --kill-pid "$pid" \
      --timeout 60)
    ms=$(echo "$out" | value recovered_ms)
    [ -n "$ms" ] || { say "swarm run $run: $out"; return 1; }
    echo "$ms" >>"$work/crash-swarm-$1.txt"
    say "swarm ($1): task process $pid killed, port answering again after ${ms} ms"
  done
  echo "swarm crash -> serving again [$1, $runs kills of the one task's process, replacement task]: $(percentiles <"$work/crash-swarm-$1.txt") ms"
  echo "RESULT bench=healing-crash-swarm setting=$1 runs=$runs $(percentiles "" _ms <"$work/crash-swarm-$1.txt")"
}

crash() {
  crash_gantry
  if ! command -v dockerd >/dev/null; then
    say "dockerd is missing (apt-get install docker.io): no Swarm run to compare with"
    return 0
  fi
  swarm_up
  crash_swarm restart-delay-5s-default
  "${docker[@]}" service update --detach --quiet --restart-delay 0s heal >/dev/null
  crash_swarm restart-delay-0s
  docker_down
}

# --- outage: the control plane SIGKILLed for 60 s ---
restart_sum() { k get pods -l app=outage -o 'jsonpath={.items[*].status.containerStatuses[0].restartCount}' \
  | tr ' ' '\n' | awk '{ s += $1 } END { print s + 0 }'; }
pod_uids() { k get pods -l app=outage -o 'jsonpath={.items[*].metadata.uid}' | tr ' ' '\n' | sort; }
all_ready() {
  [ "$(k get pods -l app=outage -o 'jsonpath={.items[*].status.conditions[?(@.type=="Ready")].status}' \
    | tr ' ' '\n' | grep -c True)" = "$pods" ]
}
lease_renewed_since() { # EPOCH_MS
  local renewed
  renewed=$(k get lease -n kube-node-lease n1 -o 'jsonpath={.spec.renewTime}')
  [ -n "$renewed" ] && [ "$(date -d "$renewed" +%s%3N)" -gt "$1" ]
}
# containers on the node that are not their pod's first (ids end in -<container>-<attempt>, the first is 1):
# restarts the node made, whether or not it could report them
node_restarts() { runc_on 1 list -q 2>/dev/null | grep -c -E -- '-([2-9]|[1-9][0-9]+)$' || true; }

outage() {
  local before_sum before_uids before_node up_ms after_sum after_uids after_node changed
  cluster_up outage 1 "" ""
  deployed outage "$pods" 240 probes
  sleep 10  # a few probe periods, so that a probe failing for reasons of its own shows before the outage
  before_sum=$(restart_sum) before_uids=$(pod_uids) before_node=$(node_restarts)
  kill -KILL "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  say "control plane SIGKILLed; $pods pods, restarts $before_sum; waiting 60 s"
  sleep 60
  start_server
  up_ms=$(now_ms)
  # the Node still says Ready from before the outage; what tells that the agent is back is a Lease renewal
  wait_for 120 "the node's Lease renewed" lease_renewed_since "$up_ms"
  local node_s; node_s=$(seconds_since "$up_ms")
  wait_for 120 "node Ready" nodes_ready
  wait_for 120 "all pods Ready again" all_ready
  sleep 10  # the agent's status posts after the outage have all landed
  after_sum=$(restart_sum) after_uids=$(pod_uids) after_node=$(node_restarts)
  changed=$(comm -3 <(echo "$before_uids") <(echo "$after_uids") | grep -c . || true)
  echo "control-plane outage of 60 s [$pods pods with liveness and readiness probes]: restartCount sum $before_sum before, $after_sum after; restarted containers on the node $before_node before, $after_node after; pods recreated (uids changed): $changed; the node's Lease renewed ${node_s} s after the restart"
  echo "RESULT bench=healing-outage pods=$pods restarts_before=$before_sum restarts_after=$after_sum node_restarts_after=$after_node uids_changed=$changed lease_renewed_s=$node_s"
  cluster_down
}

# --- cutoff: node 1's link down ---
cutoff_run() { # SETTING RUN WATCH_TIMEOUT
  local old_uids old_containers watch_log watch_pid cut_ms ready_ms healed_s up_ms stopped_s left
  k cordon n2 >/dev/null
  deployed cut "$pods" 240
  k uncordon n2 >/dev/null
  old_uids=$(k get pods -l app=cut -o 'jsonpath={.items[*].metadata.uid}')
  old_containers=$(for u in $old_uids; do containers_of 1 "$u"; done)
  [ "$(echo "$old_containers" | grep -c .)" = "$pods" ] || { say "expected $pods containers on n1"; return 1; }
  watch_log="$cluster/watch-$2.log"
  "$java" -cp "$bench_cp" io.gantry.bench.PodsReadyWatch --url "$url" --data-dir "$cluster/server" --namespace default \
    --selector app=cut --node n2 --count "$pods" --timeout "$3" >"$watch_log" 2>&1 &
  watch_pid=$!
  wait_for 30 "the watch" grep -q watching "$watch_log"
  cut_ms=$(now_ms)
  ip link set "${bridge}h1" down
  if ! wait "$watch_pid"; then
    ip link set "${bridge}h1" up
    say "run $2: $(tail -3 "$watch_log")"
    return 1
  fi
  ready_ms=$(value ready_at_ms <"$watch_log")
  healed_s=$(awk -v a="$cut_ms" -v b="$ready_ms" 'BEGIN { printf "%.1f", (b - a) / 1000 }')
  echo "$healed_s" >>"$work/cutoff-$1.txt"
  ip link set "${bridge}h1" up
  up_ms=$(now_ms)
  say "$1 run $2: all $pods pods Ready on n2 ${healed_s} s after the cut; link up again"
  # the old copies go on running while cut off (nothing can tell their node); once back, its agent stops them
  stopped_s=""
  for _ in $(seq 1 480); do
    left=$(runc_on 1 list 2>/dev/null | awk '$3 == "running" {print $1}' | grep -c -F -f <(echo "$old_containers") || true)
    if [ "$left" = 0 ]; then stopped_s=$(seconds_since "$up_ms"); break; fi
    sleep 0.25
  done
  [ -n "$stopped_s" ] || { say "old copies still running 120 s after the link came back"; return 1; }
  echo "$stopped_s" >>"$work/cutoff-$1-stop.txt"
  say "$1 run $2: the old copies on n1 stopped ${stopped_s} s after the link came back"
  wait_for 120 "n1 Ready again" nodes_ready
  k delete deployment cut --wait=false >/dev/null
  wait_for 120 "the pods gone" no_pods
}

cutoff() { # SETTING RUNS WATCH_TIMEOUT "SERVER OPTIONS" "AGENT OPTIONS"
  local run
  cluster_up "cutoff-$1" 2 "$4" "$5"
  : >"$work/cutoff-$1.txt"
  : >"$work/cutoff-$1-stop.txt"
  for run in $(seq 1 "$2"); do cutoff_run "$1" "$run" "$3"; done
  echo "node cut off -> all $pods pods Running and Ready on the other node [$1]: $(percentiles <"$work/cutoff-$1.txt") s; old copies stopped after the link came back: $(percentiles <"$work/cutoff-$1-stop.txt") s"
  echo "RESULT bench=healing-cutoff setting=$1 pods=$pods runs=$2 $(percentiles "" _s <"$work/cutoff-$1.txt") $(percentiles old_stopped_ _s <"$work/cutoff-$1-stop.txt")"
  cluster_down
}

for part in $parts; do
  case "$part" in
    crash) crash ;;
    outage) outage ;;
    cutoff) cutoff short "$cutoff_runs" 120 \
      "--node-monitor-grace-period 6s --default-unreachable-toleration-seconds 4 --default-not-ready-toleration-seconds 4" \
      "--node-lease-duration-seconds 4" ;;
    cutoff-defaults) cutoff defaults 1 600 "" "" ;;
    *) say "unknown part $part"; exit 1 ;;
  esac
done
