#!/usr/bin/env bash
# Builds clearing-node in release and runs a single-validator development chain.
#
#   scripts/run-dev-node.sh [extra clearing-node flags]
#
# RPC (WebSocket and HTTP) listens on 127.0.0.1:9944. The chain's state lives in a
# temporary directory and is gone when the node stops; pass `--base-path DIR` to keep it.
# The clearing desk (scripts/desk.sh) is built and served beside it on 127.0.0.1:8080
# (DESK_PORT; DESK=0 leaves it out) and stops with the node.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

setup_toolchain
build_node

desk_port="${DESK_PORT:-8080}"
desk_pid=
if [ "${DESK:-1}" != 0 ]; then
	(cd "$REPO_ROOT/scripts" && npm_ci_if_stale "the scripts' npm packages" && node desk/build.mjs --minify >/dev/null)
	node "$REPO_ROOT/scripts/desk/serve.mjs" --port "$desk_port" --ws ws://127.0.0.1:9944 &
	desk_pid=$!
	trap '[ -n "$desk_pid" ] && kill "$desk_pid" 2>/dev/null; true' EXIT
fi

say "Polkadot.js apps: https://polkadot.js.org/apps/?rpc=ws://127.0.0.1:9944"
[ -n "$desk_pid" ] && say "clearing desk:    http://127.0.0.1:$desk_port/ (scripts/desk.sh serves it on its own)"
say "starting clearing-node --dev (Ctrl-C stops it)"
base_path_args=(--tmp)
for arg in "$@"; do
	case "$arg" in --base-path | --base-path=* | -d) base_path_args=() ;; esac
done
status=0
"$NODE_BIN" --dev "${base_path_args[@]}" --rpc-port 9944 --rpc-cors all "$@" || status=$?
exit "$status"
