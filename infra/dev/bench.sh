#!/usr/bin/env bash
# Runs the benchmarks under bench/ (they print figures; results are recorded in docs/benchmarks.md).
source "$(dirname "$0")/ensure-tools.sh" ffmpeg
for b in bench/*.ts; do
  [ -e "$b" ] || continue
  log "bench: $b"
  NODE_OPTIONS="--openssl-legacy-provider" tsx "$b"
done
