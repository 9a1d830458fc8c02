#!/usr/bin/env bash
# Builds the clearing desk (scripts/desk/) and serves it on 127.0.0.1.
#
#   scripts/desk.sh [--ws ws://127.0.0.1:9944] [--port 8080]
#
# The page connects to the node at --ws (a `?ws=` on the page's URL overrides it) and signs
# with the development accounts (Alice…Eve) on a development chain, or with a browser
# extension's accounts when one is installed. Needs Node.js and npm (scripts/setup-toolchain.sh
# installs them); the npm packages are installed on first use. Ctrl-C stops it.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

ws=ws://127.0.0.1:9944
port=8080
while [ $# -gt 0 ]; do
	case "$1" in
	--ws) ws="$2"; shift 2 ;;
	--ws=*) ws="${1#--ws=}"; shift ;;
	--port) port="$2"; shift 2 ;;
	--port=*) port="${1#--port=}"; shift ;;
	-h | --help) sed -n '2,9p' "$0"; exit 0 ;;
	*) echo "desk.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
done
command -v npm >/dev/null || { echo "desk.sh: npm not found; run scripts/setup-toolchain.sh" >&2; exit 1; }

cd "$REPO_ROOT/scripts"
npm_ci_if_stale "the scripts' npm packages"
say "building the desk (esbuild)"
node desk/build.mjs --minify
exec node desk/serve.mjs --ws "$ws" --port "$port"
