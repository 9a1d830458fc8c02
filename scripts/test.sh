#!/usr/bin/env bash
# The test command: every cargo test of the workspace and, side by side with them, the
# end-to-end suite against a freshly built `clearing-node --dev`; then the zombienet smoke
# test of a four-validator network.
#
#   scripts/test.sh
#
# One cargo profile (release) serves the node build and the tests, so the dependency tree
# compiles once. Set CARGO_TARGET_DIR to reuse a warm target directory.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

started=$(date +%s)
setup_toolchain

build_node

# The cargo tests compile (a few minutes cold) while the end-to-end suite runs: the e2e
# files mostly wait for blocks, and the compiler runs at a lower priority than the nodes.
say "cargo tests (release, whole workspace; the runtime's random campaign included), in the background"
campaign_report="$CARGO_TARGET_DIR/campaign-report.txt"
cargo_log="$CARGO_TARGET_DIR/cargo-test.log"
rm -f "$campaign_report"
cargo_started=$(date +%s)
(cd "$REPO_ROOT" && exec env CAMPAIGN_REPORT="$campaign_report" nice -n 10 cargo test --release --locked --workspace >"$cargo_log" 2>&1) &
cargo_pid=$!
# Whatever ends this script early (a failed step, Ctrl-C, CI's SIGTERM) stops the cargo tests
# too, so they never hold the target directory or the CPU after it.
trap '[ -n "${cargo_pid:-}" ] && kill "$cargo_pid" 2>/dev/null; true' EXIT
trap 'exit 130' INT TERM

say "end-to-end suite (scripts/e2e/, node --test) against $NODE_BIN"
e2e_started=$(date +%s)
cd "$REPO_ROOT/scripts"
npm_ci_if_stale "the scripts' npm packages"
e2e_log="$CARGO_TARGET_DIR/e2e.log"
e2e_status=0
# The files each start their own node on free ports and mostly wait for blocks: four run at
# once (E2E_CONCURRENCY), which a 2-core machine carries.
# The desk's browser tests (e2e/desk.test.mjs) write a screenshot of each view here.
export DESK_SCREENSHOTS="$CARGO_TARGET_DIR/desk-screenshots"
# Longest first (their seconds in the last CI run), so that no long file starts last and
# runs alone at the end; a file not listed (a new one) runs after these.
e2e_files=()
for name in adaptive lending attacks portfolio quoting clearing synthetics governance blocktrade orderbook desk chain liquidation liquidation-at-scale feed-prices; do
	if [ -f "e2e/$name.test.mjs" ]; then e2e_files+=("e2e/$name.test.mjs"); fi
done
for file in e2e/*.test.mjs; do
	case " ${e2e_files[*]} " in *" $file "*) ;; *) e2e_files+=("$file") ;; esac
done
CLEARING_NODE="$NODE_BIN" node --test --test-concurrency="${E2E_CONCURRENCY:-4}" --test-reporter=spec --test-reporter-destination=stdout "${e2e_files[@]}" 2>&1 | tee "$e2e_log" || e2e_status=$?
e2e_passed=$(sed -n 's/^ℹ pass \([0-9]*\)$/\1/p' "$e2e_log" | tail -n 1)
e2e_failed=$(sed -n 's/^ℹ fail \([0-9]*\)$/\1/p' "$e2e_log" | tail -n 1)
e2e_seconds=$(($(date +%s) - e2e_started))

cargo_status=0
wait "$cargo_pid" || cargo_status=$?
cargo_pid=
cargo_seconds=$(($(date +%s) - cargo_started))
say "cargo tests (finished $cargo_seconds s after they started; log: $cargo_log)"
cat "$cargo_log"
if [ -f "$campaign_report" ]; then
	say "random campaign (runtime/src/tests/campaign.rs)"
	cat "$campaign_report" >&2
fi
# A log without results (cargo failed to compile) counts nothing; cargo's own status says so.
cargo_passed=$({ grep -Eo 'test result: [a-zA-Z]+\. [0-9]+ passed' "$cargo_log" || true; } | awk '{s+=$4} END {print s+0}')
cargo_failed=$({ grep -Eo '[0-9]+ failed' "$cargo_log" || true; } | awk '{s+=$1} END {print s+0}')

say "zombienet smoke test: four validators (zombienet/smoke.zndsl)"
zombienet_log="$CARGO_TARGET_DIR/zombienet-smoke.log"
zombienet_status=0
"$REPO_ROOT/scripts/zombienet.sh" smoke 2>&1 | tee "$zombienet_log" || zombienet_status=$?
# "Result: 12/12": assertions passed of those run.
zombienet_result=$(sed 's/\x1b\[[0-9;]*m//g' "$zombienet_log" | { grep -Eo 'Result: [0-9]+/[0-9]+' || true; } | tail -n 1 | cut -d' ' -f2)
zombienet_passed=${zombienet_result%%/*}
zombienet_total=${zombienet_result##*/}
zombienet_failed=$(( ${zombienet_total:-1} - ${zombienet_passed:-0} ))

say "cargo tests: $cargo_passed passed, $cargo_failed failed ($cargo_seconds s, compile included; cargo exited $cargo_status)"
say "e2e tests: ${e2e_passed:-0} passed, ${e2e_failed:-unknown} failed ($e2e_seconds s)"
say "zombienet smoke: ${zombienet_passed:-0} of ${zombienet_total:-?} assertions passed"
say "desk screenshots: $DESK_SCREENSHOTS"
say "scripts/test.sh finished in $(($(date +%s) - started)) s"
echo "total: $((cargo_passed + ${e2e_passed:-0} + ${zombienet_passed:-0})) passed, $((cargo_failed + ${e2e_failed:-0} + zombienet_failed)) failed"
if [ "$cargo_status" -ne 0 ] || [ "$cargo_failed" -ne 0 ]; then exit 1; fi
if [ "$e2e_status" -ne 0 ] || [ -z "$e2e_failed" ] || [ "$e2e_failed" -ne 0 ]; then exit 1; fi
if [ "$zombienet_status" -ne 0 ] || [ "$zombienet_failed" -ne 0 ]; then exit 1; fi
