#!/usr/bin/env bash
# Regenerates the README's screenshots of the desk (docs/desk/*.png): runs the desk's browser
# suite (scripts/e2e/desk.test.mjs) against a fresh `clearing-node --dev`, which writes one
# PNG per view as it goes.
#
#   scripts/desk-screenshots.sh
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

setup_toolchain
ensure_node "${NODE_BUILD:-auto}"
cd "$REPO_ROOT/scripts"
npm_ci_if_stale "the scripts' npm packages"
mkdir -p "$REPO_ROOT/docs/desk"
DESK_SCREENSHOTS="$REPO_ROOT/docs/desk" CLEARING_NODE="$NODE_BIN" node --test --test-reporter=spec e2e/desk.test.mjs
say "screenshots in docs/desk/: $(cd "$REPO_ROOT/docs/desk" && ls ./*.png | tr '\n' ' ')"
