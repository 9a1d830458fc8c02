#!/usr/bin/env bash
# Runs the clearing chain as a four-validator network with zombienet (native provider).
#
#   scripts/zombienet.sh smoke      # every node up; best >= 10 and finalized >= 8 on each
#   scripts/zombienet.sh clearing   # a feed and a liquidation through alice, seen on charlie
#   scripts/zombienet.sh faults     # dave stopped, finality goes on; restarted, same state
#   scripts/zombienet.sh spawn      # just start the network (RPC on 9944..9947) until Ctrl-C
#
# Installs @zombienet/cli into zombienet/node_modules with npm (the lock file pins it; its
# `toml` dependency is overridden to the registry's 3.x, because the published one points
# at a git URL), builds clearing-node if it is not built yet, and exits with the test's
# result. Zombienet writes each run's logs under a temporary directory it prints.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

what="${1:?usage: scripts/zombienet.sh smoke|clearing|faults|spawn}"
case "$what" in
	smoke | clearing | faults | spawn) ;;
	*) echo "usage: scripts/zombienet.sh smoke|clearing|faults|spawn" >&2; exit 2 ;;
esac

setup_toolchain
ensure_node "${ZOMBIENET_BUILD:-auto}"

cd "$REPO_ROOT/zombienet"
npm_ci_if_stale "@zombienet/cli"

export CLEARING_NODE="$NODE_BIN"
# A network left over from an interrupted run would hold the fixed RPC ports.
if ss -ltn 2>/dev/null | grep -Eq '127\.0\.0\.1:994[4-7]|\*:994[4-7]|0\.0\.0\.0:994[4-7]'; then
	echo "a process already listens on one of the ports 9944-9947; stop it first" >&2
	exit 1
fi

if [ "$what" = spawn ]; then
	say "spawning the network (alice ws://127.0.0.1:9944 .. dave 9947); Ctrl-C stops it"
	exec npx --no-install zombienet --provider native spawn network.toml
fi
say "zombienet test $what.zndsl with $CLEARING_NODE"
exec npx --no-install zombienet --provider native test "$what.zndsl"
