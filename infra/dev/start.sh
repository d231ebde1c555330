#!/usr/bin/env bash
# The README's start command: installs what is missing, then runs the whole platform (see launch.ts).
source "$(dirname "$0")/ensure-tools.sh" ffmpeg
# s3rver (the embedded S3 emulator) needs the legacy OpenSSL provider for ListObjectsV2 continuation tokens.
exec node --openssl-legacy-provider --import tsx infra/dev/launch.ts "$@"
