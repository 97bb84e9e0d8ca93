#!/usr/bin/env bash
# Benchmark 5 (called by bench/run.sh): pod startup on a real node, then Docker Swarm doing the same on the same
# machine. Usage: startup.sh WORK_DIR PODS GANTRY_CLASSPATH BENCH_CLASSPATH JAVA
#
# Gantry: gantry up --sample (control plane and this host as a node; the sample image is built from the host's
# busybox and imported), then PodStartupBench creates PODS pods of that image at once, and then PODS more as a
# stream of one every BENCH_STARTUP_INTERVAL_MS (default 100), and measures created -> Running per pod from a watch. Swarm: a dockerd of its own (its own data root, exec root and socket), swarm
# init on 127.0.0.1, the same busybox content imported as an image, and a service of PODS replicas timed until
# docker service ls shows all of them running. Everything either side created is removed at the end, also when
# a step fails: containers, the pod bridge and namespaces, cgroups, Docker's bridges and iptables chains.
set -euo pipefail
work=$1 pods=$2 gantry_cp=$3 bench_cp=$4 java=$5
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/jvm-base.sh"
interval_ms=${BENCH_STARTUP_INTERVAL_MS:-100}
mkdir -p "$work"
bridge="gbench$((RANDOM % 1000))"
cidr="10.251.$((100 + RANDOM % 150)).0/24"
run_dir="$work/run"
up_pid=""
dockerd_pid=""
docker=(docker -H "unix://$work/docker.sock")

say() { echo "startup: $*" >&2; }

cleanup() {
  local status=$? id token
  # best effort from here on: a grep that finds nothing must not end the cleanup
  set +e +o pipefail
  if [ -n "$up_pid" ] && [ -n "${port:-}" ]; then
    # the sample's pods go through the node like any deleted pod: containers, addresses and chains released
    token=$(cat "$(find "$work/gantry" -name admin.token | head -1)")
    api="https://127.0.0.1:$port/api/v1/namespaces/demo"
    curl -sk -X DELETE -H "Authorization: Bearer $token" \
      "https://127.0.0.1:$port/apis/apps/v1/namespaces/demo/deployments" >/dev/null
    # until the node has released every pod (containers, network, directory): a pod can leave the API before
    # its node is done with it
    for _ in $(seq 1 300); do
      curl -sk -X DELETE -H "Authorization: Bearer $token" "$api/pods?gracePeriodSeconds=1" >/dev/null
      [ -z "$(ls -A "$work/gantry/node/pods" 2>/dev/null)" ] && break
      sleep 0.2
    done
  fi
  if [ -n "$up_pid" ]; then
    kill -TERM "$up_pid" 2>/dev/null || true
    wait "$up_pid" 2>/dev/null || true
  fi
  # containers of the node outlive gantry by design: the benchmark removes its own
  if [ -d "$run_dir/runc" ]; then
    for id in $(runc --root "$run_dir/runc" list -q 2>/dev/null); do runc --root "$run_dir/runc" delete -f "$id" || true; done
  fi
  for m in $(awk -v w="$work" '$5 ~ "^"w {print $5}' /proc/self/mountinfo | sort -r); do umount -l "$m" 2>/dev/null || true; done
  ip link del "$bridge" 2>/dev/null || true
  rmdir /sys/fs/cgroup/*/gantry/pod*/ 2>/dev/null || true
  rmdir /sys/fs/cgroup/*/gantry 2>/dev/null || true
  # the node's masquerading (its jump names the pod range), which outlives the agent as its pods do
  iptables -t nat -S POSTROUTING 2>/dev/null | grep -F "${cidr%.*}." | sed 's/^-A/-D/' | while read -r rule; do
    eval iptables -t nat "$rule" 2>/dev/null || true
  done
  iptables -t nat -F "GANTRY-MASQ-$bridge" 2>/dev/null || true
  iptables -t nat -X "GANTRY-MASQ-$bridge" 2>/dev/null || true
  iptables -S FORWARD 2>/dev/null | grep -F -- "-j GANTRY-FWD-$bridge" | sed 's/^-A/-D/' | while read -r rule; do
    eval iptables "$rule" 2>/dev/null || true
  done
  iptables -F "GANTRY-FWD-$bridge" 2>/dev/null || true
  iptables -X "GANTRY-FWD-$bridge" 2>/dev/null || true
  # the node's service rules (one set per host, like kube-proxy's): jumps first, then every chain flushed, then gone
  local svc_chains='^GANTRY-(SERVICES|NODEPORTS|POSTROUTING|MARK-MASQ|SVC-|SEP-|EXT-)'
  for t in nat filter; do
    iptables -t "$t" -S 2>/dev/null | grep -E '^-A (PREROUTING|OUTPUT|POSTROUTING|INPUT|FORWARD) .*-j GANTRY-(SERVICES|POSTROUTING)' \
      | sed 's/^-A/-D/' | while read -r rule; do eval iptables -t "$t" "$rule" 2>/dev/null || true; done
    for c in $(iptables -t "$t" -S 2>/dev/null | awk '/^-N / {print $2}' | grep -E "$svc_chains"); do iptables -t "$t" -F "$c"; done
    for c in $(iptables -t "$t" -S 2>/dev/null | awk '/^-N / {print $2}' | grep -E "$svc_chains"); do iptables -t "$t" -X "$c"; done
  done
  if [ -n "$dockerd_pid" ]; then
    "${docker[@]}" service rm startup >/dev/null 2>&1 || true
    "${docker[@]}" swarm leave --force >/dev/null 2>&1 || true
    kill -TERM "$dockerd_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$dockerd_pid" 2>/dev/null || true
    pkill -f "containerd --config $work" 2>/dev/null || true
    for l in docker0 docker_gwbridge; do ip link del "$l" 2>/dev/null || true; done
    for t in filter nat; do
      iptables -t "$t" -S 2>/dev/null | grep -E '^-A .*(docker0|docker_gwbridge)' | sed 's/^-A/-D/' \
        | while read -r rule; do eval iptables -t "$t" "$rule" 2>/dev/null || true; done
      for c in $(iptables -t "$t" -S 2>/dev/null | awk '/^-N DOCKER/ {print $2}'); do
        iptables -t "$t" -S | grep -- "-j $c" | sed 's/^-A/-D/' | while read -r rule; do
          eval iptables -t "$t" "$rule" 2>/dev/null || true
        done
      done
      for c in $(iptables -t "$t" -S 2>/dev/null | awk '/^-N DOCKER/ {print $2}'); do
        iptables -t "$t" -F "$c" 2>/dev/null || true
        iptables -t "$t" -X "$c" 2>/dev/null || true
      done
    done
    for m in $(awk '$5 ~ "^/run/docker/netns" {print $5}' /proc/self/mountinfo); do umount -l "$m" 2>/dev/null || true; done
  fi
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in runc /usr/lib/cni/bridge /bin/busybox; do
  command -v "$tool" >/dev/null || { say "$tool is missing (scripts/install-host-deps.sh node installs it)"; exit 1; }
done
[ "$(id -u)" = 0 ] || { say "a node runs containers as root: run as root"; exit 1; }

# --- Gantry ---
"$java" $(base_options) ${GANTRY_JAVA_OPTS:-} -cp "$gantry_cp" io.gantry.cli.Main up --sample --data-dir "$work/gantry" --port 0 \
  --bind-address 127.0.0.1 --node-name startup-bench --pod-bridge "$bridge" --run-dir "$run_dir" \
  --cluster-cidr "$cidr" --agent-port 0 >"$work/up.log" 2>&1 &
up_pid=$!
port=""
for _ in $(seq 1 900); do
  port=$(sed -n 's/.*cluster up on https:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/up.log" | head -1)
  [ -n "$port" ] && break
  kill -0 "$up_pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$port" ] || { say "gantry up did not start:"; tail -20 "$work/up.log" >&2; exit 1; }
say "gantry up (pid $up_pid) on port $port, node bridge $bridge, pods in $cidr"
# one round first, not reported, so the measured one runs on compiled code as a node that ran a while does
timeout 300 "$java" -Xmx1g -cp "$bench_cp" io.gantry.bench.PodStartupBench --url "https://127.0.0.1:$port" \
  --data-dir "$work/gantry" --pods "$pods" --image localhost/gantry-sample:1 --namespace startup-warmup \
  --server-pid "$up_pid" | grep -v '^RESULT' | sed 's/^pod startup/warm-up, not measured: pod startup/'
timeout 300 "$java" -Xmx1g -cp "$bench_cp" io.gantry.bench.PodStartupBench --url "https://127.0.0.1:$port" \
  --data-dir "$work/gantry" --pods "$pods" --image localhost/gantry-sample:1 --namespace startup \
  --server-pid "$up_pid"
# the same pods as a steady stream, as Kubernetes' density tests measure its startup SLO: each pod's own latency
timeout 300 "$java" -Xmx1g -cp "$bench_cp" io.gantry.bench.PodStartupBench --url "https://127.0.0.1:$port" \
  --data-dir "$work/gantry" --pods "$pods" --image localhost/gantry-sample:1 --namespace startup-stream \
  --server-pid "$up_pid" --interval-ms "$interval_ms"

# --- Docker Swarm ---
if ! command -v dockerd >/dev/null; then
  say "dockerd is missing (apt-get install docker.io): no Swarm run to compare with"
  exit 0
fi
dockerd -H "unix://$work/docker.sock" --data-root "$work/docker" --exec-root "$work/docker-exec" \
  --pidfile "$work/docker.pid" >"$work/dockerd.log" 2>&1 &
dockerd_pid=$!
for _ in $(seq 1 300); do "${docker[@]}" info >/dev/null 2>&1 && break; sleep 0.1; done
"${docker[@]}" swarm init --advertise-addr 127.0.0.1 >/dev/null
rootfs="$work/rootfs"
mkdir -p "$rootfs/bin"
cp /bin/busybox "$rootfs/bin/"
for applet in sh sleep cat echo ls; do ln -sf busybox "$rootfs/bin/$applet"; done
tar -C "$rootfs" -c . | "${docker[@]}" import - gantry-startup:1 >/dev/null
t0=$(date +%s.%N)
"${docker[@]}" service create --detach --quiet --name startup --replicas "$pods" gantry-startup:1 sleep 3600 >/dev/null
converged=""
for _ in $(seq 1 3000); do
  if [ "$("${docker[@]}" service ls --filter name=startup --format '{{.Replicas}}')" = "$pods/$pods" ]; then
    converged=$(date +%s.%N)
    break
  fi
  sleep 0.1
done
if [ -z "$converged" ]; then
  say "Swarm did not run $pods replicas within 300 s"
  exit 1
fi
swarm_s=$(awk -v a="$t0" -v b="$converged" 'BEGIN { printf "%.2f", b - a }')
echo "swarm startup [$pods replicas, image present]: all running ${swarm_s} s after docker service create (docker 20.10, polled every 0.1 s)"
echo "RESULT bench=startup-swarm replicas=$pods all_running_s=$swarm_s"
