#!/usr/bin/env bash
# Installs the Debian packages Gantry needs, if missing. "test" adds what the test suite drives for real.
set -euo pipefail
want=(maven)
[ "${1:-}" = test ] && want+=(etcd-server etcd-client)
missing=()
for pkg in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "gantry: missing packages ${missing[*]}; run as root or install them" >&2
  exit 1
fi
echo "gantry: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq "${missing[@]}" >&2
