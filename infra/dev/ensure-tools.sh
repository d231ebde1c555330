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

# npm ci when node_modules is missing or older than the lockfile.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ] || [ ! -x node_modules/.bin/node ]; then
  log "installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

export PATH="$ROOT/node_modules/.bin:$PATH"
case "$(node --version)" in
  v22.*) ;;
  *) echo "Expected the pinned Node 22 from node_modules/.bin, got $(node --version)" >&2; exit 1 ;;
esac
