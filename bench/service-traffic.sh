#!/usr/bin/env bash
# Benchmark 6c (called by bench/run.sh): requests per second through a cluster IP against straight to the pod IP.
# Usage: service-traffic.sh WORK_DIR FILLER_SERVICES ENDPOINTS BENCH_CLASSPATH JAVA
#
# A node played by a network namespace with a bridge (10.250.0.1/24) and two pods behind veths: a server
# (HttpEchoServer, 10.250.0.3 on ports 8080 and 8081) and a client (10.250.0.2). ServiceRulesMain writes the
# node's service rules in the node's namespace: one service at 10.96.0.100:80 leading to the server's port 8081
# (its own port, so that the two paths' connections never share a four-tuple), among FILLER_SERVICES others of
# ENDPOINTS endpoints each. ServiceTrafficBench in the client's namespace then alternates rounds against the pod
# IP and the cluster IP; once with the nftables backend's rules, once with the iptables one's. Everything lives in
# the three namespaces, which are deleted at the end.
set -euo pipefail
work=$1 fillers=$2 endpoints=$3 bench_cp=$4 java=$5
mkdir -p "$work"
node="gtrafn-$$" client="gtrafc-$$" server="gtrafs-$$"
server_pid=""
say() { echo "service-traffic: $*" >&2; }

cleanup() {
  local status=$?
  set +e
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  for ns in "$client" "$server" "$node"; do ip netns del "$ns" 2>/dev/null; done
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM
[ "$(id -u)" = 0 ] || { say "network namespaces need root"; exit 1; }

for ns in "$node" "$client" "$server"; do
  ip netns add "$ns"
  ip -n "$ns" link set lo up
done
ip -n "$node" link add br0 type bridge
ip -n "$node" addr add 10.250.0.1/24 dev br0
ip -n "$node" link set br0 up
ip netns exec "$node" sysctl -qw net.ipv4.ip_forward=1
pod() { # NAMESPACE ADDRESS VETH
  ip -n "$node" link add "$3" type veth peer name eth0 netns "$1"
  ip -n "$node" link set "$3" master br0 up
  ip -n "$1" addr add "$2/24" dev eth0
  ip -n "$1" link set eth0 up
  ip -n "$1" route add default via 10.250.0.1
}
pod "$client" 10.250.0.2 vclient
pod "$server" 10.250.0.3 vserver

ip netns exec "$server" "$java" -Xmx256m -cp "$bench_cp" io.gantry.bench.HttpEchoServer --ports 8080,8081 \
  >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do grep -q ready "$work/server.log" 2>/dev/null && break; sleep 0.1; done
grep -q ready "$work/server.log" || { say "the server did not start:"; cat "$work/server.log" >&2; exit 1; }
for backend in nftables iptables; do
  ip netns exec "$node" "$java" -cp "$bench_cp" io.gantry.bench.ServiceRulesMain --pod-cidr 10.250.0.0/24 \
    --cluster-ip 10.96.0.100:80 --target 10.250.0.3:8081 --fillers "$fillers" --endpoints "$endpoints" \
    --backend "$backend" >&2
  ip netns exec "$client" "$java" -cp "$bench_cp" io.gantry.bench.ServiceTrafficBench --pod 10.250.0.3:8080 \
    --cluster-ip 10.96.0.100:80 --clients 16 --seconds 5 --rounds 3 --label "$backend"
  # the node's rules of this backend go before the other's are written
  ip netns exec "$node" nft flush ruleset
done
