#!/usr/bin/env bash
# Benchmark 6 (called by bench/run.sh): the node's service rules and the cluster DNS, each on its own.
# Usage: services.sh WORK_DIR SERVICES ENDPOINTS BENCH_CLASSPATH JAVA
#
# 6a. ServiceSyncBench in a network namespace of its own (it writes iptables rules or an nftables table there
#     and nowhere else): SERVICES services of ENDPOINTS endpoints each, timed through a full sync and a sync after
#     one endpoint changed; with the iptables backend, then with the nftables one, each in a fresh namespace.
# 6b. The cluster DNS server (DnsServerMain, the server a node agent runs) with SERVICES names, and beside it
#     dnsmasq (Debian's dnsmasq-base) serving the same names from a hosts file, both on 127.0.0.1; DnsBench asks
#     each for random names from 16 clients for 10 s. Everything started is stopped at the end.
set -euo pipefail
work=$1 services=$2 endpoints=$3 bench_cp=$4 java=$5
mkdir -p "$work"
netns="gsvcbench-$$"
dns_pid="" dnsmasq_pid=""
say() { echo "services: $*" >&2; }

cleanup() {
  local status=$?
  set +e
  ip netns del "$netns" 2>/dev/null
  [ -n "$dns_pid" ] && kill "$dns_pid" 2>/dev/null && wait "$dns_pid" 2>/dev/null
  [ -n "$dnsmasq_pid" ] && kill "$dnsmasq_pid" 2>/dev/null && wait "$dnsmasq_pid" 2>/dev/null
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM
[ "$(id -u)" = 0 ] || { say "iptables and network namespaces need root"; exit 1; }

# --- 6a: service rules, one backend after the other ---
for backend in iptables nftables; do
  ip netns add "$netns"
  ip netns exec "$netns" "$java" -cp "$bench_cp" io.gantry.bench.ServiceSyncBench --backend "$backend" \
    --services "$services" --endpoints "$endpoints" --rounds 5
  ip netns del "$netns"
done

# --- 6b: cluster DNS, and dnsmasq beside it ---
port=$((20000 + RANDOM % 20000))
"$java" -cp "$bench_cp" io.gantry.bench.DnsServerMain --services "$services" --port "$port" \
  --hosts-file "$work/hosts" --names-file "$work/names" >"$work/dns.log" 2>&1 &
dns_pid=$!
for _ in $(seq 1 100); do grep -q ready "$work/dns.log" 2>/dev/null && break; sleep 0.1; done
grep -q ready "$work/dns.log" || { say "the cluster DNS did not start:"; cat "$work/dns.log" >&2; exit 1; }
"$java" -cp "$bench_cp" io.gantry.bench.DnsBench --server "127.0.0.1:$port" --names-file "$work/names" \
  --clients 16 --seconds 10 --label gantry --server-pid "$dns_pid"
if ! command -v dnsmasq >/dev/null; then
  say "dnsmasq is missing (apt-get install dnsmasq-base): no peer to compare with"
  exit 0
fi
peer_port=$((port + 1))
dnsmasq --keep-in-foreground --no-resolv --no-hosts --addn-hosts="$work/hosts" --listen-address=127.0.0.1 \
  --bind-interfaces --port="$peer_port" --cache-size=10000 --pid-file="$work/dnsmasq.pid" --user=root \
  >"$work/dnsmasq.log" 2>&1 &
dnsmasq_pid=$!
sleep 1
"$java" -cp "$bench_cp" io.gantry.bench.DnsBench --server "127.0.0.1:$peer_port" --names-file "$work/names" \
  --clients 16 --seconds 10 --label "dnsmasq $(dnsmasq --version | head -1 | awk '{print $3}')" \
  --server-pid "$dnsmasq_pid"
