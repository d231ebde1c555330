# Sourced by start.sh and test.sh: installs what is missing (idempotent) and puts the pinned Node 22 first on PATH.
# usage: source infra/dev/ensure-tools.sh [ffmpeg] [chromium]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

log() { printf '\033[1;36m[onward]\033[0m %s\n' "$*"; }

need_apt=()
for tool in "$@"; do
  case "$tool" in
    ffmpeg) command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || need_apt+=(ffmpeg) ;;
    chromium) [ -x /usr/bin/chromium ] || need_apt+=(chromium) ;;
  esac
done
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing Debian packages: ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "Missing: ${need_apt[*]}. Install them (e.g. sudo apt-get install ${need_apt[*]}) and run again." >&2
    exit 1
  fi
fi

# npm ci when node_modules is missing or was installed from another lockfile. The lockfile's content is compared,
# not its modification time: a checkout or an editor touching it must not reinstall under running processes.
lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
installed_hash="$(cat node_modules/.onward-lock-hash 2>/dev/null || true)"
if [ ! -f node_modules/.package-lock.json ] || [ ! -x node_modules/.bin/node ] || [ "$lock_hash" != "$installed_hash" ]; then
  log "installing npm dependencies (npm ci)"
  # onnxruntime-node's install script would fetch CUDA libraries from NuGet (npm 11 does not run it unapproved;
  # npm 10 does): the CPU build it ships in the package is all the face detector uses
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund --loglevel=error
  printf '%s\n' "$lock_hash" > node_modules/.onward-lock-hash
fi

export PATH="$ROOT/node_modules/.bin:$PATH"
case "$(node --version)" in
  v22.*) ;;
  *) echo "Expected the pinned Node 22 from node_modules/.bin, got $(node --version)" >&2; exit 1 ;;
esac
