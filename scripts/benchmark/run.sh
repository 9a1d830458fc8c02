#!/usr/bin/env bash
# Regenerates a pallet's weights from its benchmarks.
#
#   scripts/benchmark/run.sh pallet_clearing
#
# Builds clearing-node with `--features runtime-benchmarks` (the default build leaves the
# benchmark CLI out), runs `benchmark pallet` against the runtime's development preset and
# writes `pallets/<name>/src/weights.rs` from the template beside this script.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

pallet="${1:?usage: scripts/benchmark/run.sh <pallet, e.g. pallet_clearing>}"
crate_dir="$REPO_ROOT/pallets/${pallet#pallet_}"
[ -d "$crate_dir" ] || { echo "no crate at $crate_dir" >&2; exit 1; }

setup_toolchain
say "building clearing-node with runtime-benchmarks"
# frame-benchmarking-cli carries a second wasm runtime (for `benchmark storage`) that the
# wasm builder cannot place in this workspace's metadata; `benchmark pallet` does not use it.
(cd "$REPO_ROOT" && SKIP_FRAME_STORAGE_ACCESS_TEST_RUNTIME_WASM_BUILD=1 \
	cargo build --release --locked -p clearing-node --features runtime-benchmarks)

say "benchmarking $pallet"
cd "$REPO_ROOT"
"$NODE_BIN" benchmark pallet \
	--runtime "$WASM_COMPACT" \
	--genesis-builder runtime \
	--genesis-builder-preset development \
	--pallet "$pallet" \
	--extrinsic '*' \
	--steps "${STEPS:-50}" \
	--repeat "${REPEAT:-20}" \
	--wasm-execution compiled \
	--heap-pages 4096 \
	--template scripts/benchmark/pallet-weight-template.hbs \
	--output "$crate_dir/src/weights.rs"
say "wrote $crate_dir/src/weights.rs"
# The benchmark runtime was written where the default build keeps its wasm; make the next
# default build write its own again.
touch "$REPO_ROOT/runtime/build.rs"
