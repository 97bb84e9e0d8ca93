# Hosts for the multi-node benchmarks (sourced by them): network namespaces BRIDGE-1..COUNT, each joined by a veth
# pair (host side BRIDGEhI) to the bridge BRIDGE in this namespace, which holds PREFIX1/24; host I holds
# PREFIX(10+I). The namespaces get no default route, so nothing run in them leaves the machine; one FORWARD rule
# lets bridged traffic between them pass this machine's own firewall.

hosts_up() { # BRIDGE PREFIX COUNT
  local bridge=$1 prefix=$2 count=$3 i ns
  ip link add "$bridge" type bridge
  ip addr add "${prefix}1/24" dev "$bridge"
  ip link set "$bridge" up
  iptables -I FORWARD -i "$bridge" -o "$bridge" -j ACCEPT
  for i in $(seq 1 "$count"); do
    ns="$bridge-$i"
    ip netns add "$ns"
    ip link add "${bridge}h$i" type veth peer name eth0 netns "$ns"
    ip link set "${bridge}h$i" master "$bridge" up
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "$prefix$((10 + i))/24" dev eth0
    ip -n "$ns" link set eth0 up
  done
}

# hosts_down BRIDGE COUNT: best effort, for clean-up after a failure too (the namespaces take every device, route and
# rule made inside them along)
hosts_down() {
  local bridge=$1 count=$2 i
  for i in $(seq 1 "$count"); do ip netns del "$bridge-$i" 2>/dev/null || true; done
  ip link del "$bridge" 2>/dev/null || true
  while iptables -D FORWARD -i "$bridge" -o "$bridge" -j ACCEPT 2>/dev/null; do :; done
}
