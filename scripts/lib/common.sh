# Shared by the scripts: repository root, toolchain environment, node build.
# Source it; do not run it.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO_ROOT/target}"
# The wasm builder looks for Cargo.lock above the target directory; with a target directory
# outside the clone it must be told where the workspace is, or it resolves versions afresh.
export WASM_BUILD_WORKSPACE_HINT="$REPO_ROOT"
CLEARING_ENV_FILE="${CLEARING_ENV_FILE:-$HOME/.cache/clearing-chain/toolchain.env}"
export CLEARING_ENV_FILE
NODE_BIN="$CARGO_TARGET_DIR/release/clearing-node"
WASM_COMPACT="$CARGO_TARGET_DIR/release/wbuild/clearing-runtime/clearing_runtime.compact.compressed.wasm"

say() { printf '\n==> %s\n' "$*" >&2; }

# Runs the (idempotent) toolchain setup and loads the environment it chose.
setup_toolchain() {
	"$REPO_ROOT/scripts/setup-toolchain.sh"
	# shellcheck disable=SC1090
	. "$CLEARING_ENV_FILE"
}

# Prints where the compact wasm runtime is and how big it is.
report_wasm() {
	if [ -f "$WASM_COMPACT" ]; then
		say "wasm runtime: $WASM_COMPACT ($(stat -c %s "$WASM_COMPACT") bytes, compact and compressed)"
	else
		say "wasm runtime not found at $WASM_COMPACT"
		return 1
	fi
}

# Builds clearing-node (and with it the wasm runtime) in release.
build_node() {
	say "building clearing-node (release) into $CARGO_TARGET_DIR"
	(cd "$REPO_ROOT" && cargo build --release --locked -p clearing-node)
	report_wasm
}

# Builds clearing-node when it is not built yet, or always when the argument is `always`
# (a script passes its *_BUILD variable).
ensure_node() {
	if [ ! -x "$NODE_BIN" ] || [ "${1:-auto}" = always ]; then
		build_node
	fi
}

# In the current directory: `npm ci` when node_modules is missing or older than the lock
# file. The argument names what is installed, for the message.
npm_ci_if_stale() {
	if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
		say "installing $1 (npm ci in ${PWD#"$REPO_ROOT"/}/)"
		npm ci --no-audit --no-fund --loglevel=error
	fi
}
