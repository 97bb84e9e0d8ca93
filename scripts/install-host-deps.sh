#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Gantry needs, if missing, saying what it does.
# "node" adds what a node runs containers with (runc, CNI plugins, iptables and nftables, conntrack; busybox for the
# sample image); "test" adds, to those, what the test suite drives for real (etcd, a registry). kubectl is
# expected on PATH.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
want=(maven)
case "${1:-}" in
  node) want+=(runc containernetworking-plugins iptables nftables conntrack iproute2 busybox-static) ;;
  test) want+=(runc containernetworking-plugins iptables nftables conntrack iproute2 busybox-static etcd-server etcd-client docker-registry) ;;
esac
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# A JDK >= 21: Debian 13 and Ubuntu 24.04 ship openjdk-21; older releases need one installed by hand.
if ! (source "$root/scripts/find-java.sh") >/dev/null 2>&1; then
  missing+=(openjdk-21-jdk-headless)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "gantry: missing packages: ${missing[*]}; run as root or install them" >&2
  exit 1
fi
echo "gantry: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
if ! apt-get install -y -qq "${missing[@]}" >&2; then
  echo "gantry: could not install ${missing[*]} (a JDK >= 21 may need to come from your vendor, e.g. Temurin)" >&2
  exit 1
fi
