#!/usr/bin/env bash
# Runs the whole test suite: installs the host tools the tests drive for real, then builds and tests every module.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
"$root/scripts/install-host-deps.sh" test
source "$root/scripts/find-java.sh"
exec mvn -B -ntp verify "$@"
