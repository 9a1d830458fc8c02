#!/usr/bin/env bash
# Builds clearing-node in release and runs a single-validator development chain.
#
#   scripts/run-dev-node.sh [extra clearing-node flags]
#
# RPC (WebSocket and HTTP) listens on 127.0.0.1:9944. The chain's state lives in a
# temporary directory and is gone when the node stops; pass `--base-path DIR` to keep it.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

setup_toolchain
build_node

say "Polkadot.js apps: https://polkadot.js.org/apps/?rpc=ws://127.0.0.1:9944"
say "starting clearing-node --dev (Ctrl-C stops it)"
base_path_args=(--tmp)
for arg in "$@"; do
	case "$arg" in --base-path | --base-path=* | -d) base_path_args=() ;; esac
done
exec "$NODE_BIN" --dev "${base_path_args[@]}" --rpc-port 9944 --rpc-cors all "$@"
