#!/usr/bin/env bash
# Installs what the gateway comparison needs (nginx, wrk), idempotently. Benchmark-only: not part of
# CI's test path. Run as root (or with sudo) on Debian/Ubuntu.
set -euo pipefail
need=()
command -v nginx >/dev/null 2>&1 || need+=(nginx-light)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi
# Debian's nginx package may start a system nginx on port 80; the comparison starts its own instances
# and does not need it.
echo "nginx: $(nginx -v 2>&1 | sed 's/.*\///'), wrk: $(wrk --version 2>&1 | head -1 | awk '{print $2}'), redis: $(redis-server --version | awk '{print $3}')"
