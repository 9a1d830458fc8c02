#!/usr/bin/env bash
# Makes this machine able to build the clearing chain (native node and wasm runtime) and
# run its end-to-end tests. Idempotent: a second run changes nothing and takes a second.
#
# What it does:
#   1. installs the Debian packages the build needs (protoc for litep2p, a C/C++ compiler,
#      clang for wasm-opt's C++, Node.js/npm for the e2e suite) when they are missing;
#   2. makes a `wasm32v1-none` target available for the runtime:
#        a. rustup's own target, if installed or if `rustup target add` can fetch it;
#        b. otherwise Debian's rustc-web (Rust 1.96, LLVM 22) with a wasm32v1-none sysroot
#           built from its sources (see ../shared/TOOLCHAIN.md), linked as the rustup
#           toolchain `debian-web`;
#      Set CLEARING_WASM_ROUTE=debian to take route (b) even where rustup works.
#   3. installs Debian's chromium for the desk's browser tests (scripts/e2e/desk.test.mjs,
#      driven by puppeteer-core, which never downloads a browser); CHROMIUM=/path skips it;
#   4. writes the environment the other scripts use to $CLEARING_ENV_FILE
#      (default: ~/.cache/clearing-chain/toolchain.env) and prints what it chose.
set -euo pipefail

ENV_FILE="${CLEARING_ENV_FILE:-$HOME/.cache/clearing-chain/toolchain.env}"
mkdir -p "$(dirname "$ENV_FILE")"

log() { printf '[setup-toolchain] %s\n' "$*" >&2; }

as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
		log "need root for: $*"; return 1
	fi
}

APT_UPDATED=0
# apt_install [--no-install-recommends] PACKAGE...: installs the packages not installed yet.
apt_install() {
	local options=()
	if [ "${1:-}" = --no-install-recommends ]; then
		options+=("$1")
		shift
	fi
	local missing=()
	for pkg in "$@"; do
		# Installed, not merely known (a removed package keeps its configuration files).
		[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" = "install ok installed" ] || missing+=("$pkg")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	command -v apt-get >/dev/null || { log "apt-get not found; install by hand: ${missing[*]}"; return 1; }
	if [ "$APT_UPDATED" -eq 0 ]; then
		as_root apt-get update -qq
		APT_UPDATED=1
	fi
	log "installing: ${missing[*]}"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${options[@]}" "${missing[@]}" >/dev/null
}

# 1. System packages.
command -v protoc >/dev/null || apt_install protobuf-compiler
command -v cc >/dev/null && command -v c++ >/dev/null || apt_install build-essential
command -v make >/dev/null || apt_install make
# wasm-opt (a build dependency of the wasm runtime) compiles binaryen, 241 C++ files, on the
# cold build's critical path: clang++ compiles them in about 60% of g++'s time. Optional: tried
# only where packages can be installed without a password prompt, and used only if it builds
# C++ here (it needs the libstdc++ headers of the GCC it finds).
if ! command -v clang++ >/dev/null && { [ "$(id -u)" -eq 0 ] || sudo -n true 2>/dev/null; }; then
	apt_install clang || true
fi
clang_cxx=""
if command -v clang++ >/dev/null \
	&& printf '#include <vector>\nint main() { return std::vector<int>{}.size(); }\n' \
		| clang++ -std=c++17 -x c++ - -o /dev/null 2>/dev/null; then
	clang_cxx="clang++"
else
	log "clang++ not usable: C++ compiles with $(command -v c++)"
fi
command -v git >/dev/null || apt_install git
command -v curl >/dev/null || apt_install curl
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then apt_install nodejs npm; fi
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 18 ]; then
	log "Node.js $(node --version 2>/dev/null || echo none) is too old for the e2e suite (need >= 18)"
	exit 1
fi

# The browser of the desk's tests: Debian's package (about 125 MB, 12 s from a mirror).
if [ -z "${CHROMIUM:-}" ] && ! command -v chromium >/dev/null; then
	apt_install --no-install-recommends chromium
fi

if ! command -v cargo >/dev/null; then
	log "cargo not found: install Rust with rustup (https://rustup.rs) and run again"
	exit 1
fi

# 2. The wasm target.
wasm_toolchain=""
wasm_rustflags=""
choice=""
route="${CLEARING_WASM_ROUTE:-auto}"
if [ "$route" != debian ] && command -v rustup >/dev/null && rustup target list --installed 2>/dev/null | grep -qx wasm32v1-none; then
	choice="rustup default toolchain ($(rustc --version)), wasm32v1-none already installed"
elif [ "$route" != debian ] && command -v rustup >/dev/null && timeout 300 rustup target add wasm32v1-none >/dev/null 2>&1; then
	choice="rustup default toolchain ($(rustc --version)), wasm32v1-none added by rustup"
else
	log "rustup cannot provide wasm32v1-none here; falling back to Debian's rustc-web"
	apt_install rustc-web cargo-web rust-web-src lld-22
	llvm_major=$(/usr/bin/rustc -vV | sed -n 's/^LLVM version: \([0-9]*\).*/\1/p')
	as_root mkdir -p /usr/lib/rustlib/x86_64-unknown-linux-gnu/bin
	as_root ln -sf "/usr/lib/llvm-${llvm_major}/bin/lld" /usr/lib/rustlib/x86_64-unknown-linux-gnu/bin/rust-lld
	as_root mkdir -p /opt/rust-web/bin
	as_root ln -sf /usr/bin/rustc /usr/bin/cargo /usr/bin/rustdoc /opt/rust-web/bin/
	as_root ln -sfn /usr/lib /opt/rust-web/lib
	rustup toolchain list | grep -q '^debian-web' || rustup toolchain link debian-web /opt/rust-web
	sysroot_lib=/usr/lib/rustlib/wasm32v1-none/lib
	if ! ls "$sysroot_lib"/libcore-*.rlib >/dev/null 2>&1; then
		log "building the wasm32v1-none sysroot (core, alloc, compiler_builtins with mem, embedded bitcode)"
		work=$(mktemp -d)
		mkdir -p "$work/src"
		cat >"$work/Cargo.toml" <<'TOML'
[package]
name = "wasm-sysroot"
version = "0.0.0"
edition = "2021"

[lib]
path = "src/lib.rs"

[profile.release]
panic = "abort"
TOML
		echo '#![no_std]' >"$work/src/lib.rs"
		(cd "$work" && RUSTFLAGS="-C embed-bitcode=yes" RUSTC_BOOTSTRAP=1 \
			cargo +debian-web build --release --target wasm32v1-none \
			-Zbuild-std=core,alloc -Zbuild-std-features=compiler-builtins-mem >/dev/null)
		as_root mkdir -p "$sysroot_lib"
		as_root rm -f "$sysroot_lib"/lib{core,alloc,compiler_builtins}-*.rlib
		as_root cp "$work"/target/wasm32v1-none/release/deps/lib{core,alloc,compiler_builtins}-*.rlib "$sysroot_lib/"
		rm -rf "$work"
	fi
	wasm_toolchain="debian-web"
	# Rust 1.96's wasm targets no longer pass --allow-undefined; sp-io's host functions
	# must become imports.
	wasm_rustflags="-C link-arg=--allow-undefined"
	choice="Debian rustc-web ($(/usr/bin/rustc --version)) as toolchain debian-web, own wasm32v1-none sysroot"
fi

# 4. The environment for the other scripts.
{
	echo "# written by scripts/setup-toolchain.sh: $choice"
	if [ -n "$clang_cxx" ]; then
		# A C++ compiler the caller chose stays chosen.
		echo "export CXX=\"\${CXX:-$clang_cxx}\""
	fi
	if [ -n "$wasm_toolchain" ]; then
		echo "export WASM_BUILD_TOOLCHAIN=$wasm_toolchain"
		echo "export WASM_BUILD_RUSTFLAGS=\"$wasm_rustflags\""
	else
		echo "unset WASM_BUILD_TOOLCHAIN"
		echo "unset WASM_BUILD_RUSTFLAGS"
	fi
} >"$ENV_FILE"

log "wasm runtime toolchain: $choice"
log "protoc: $(protoc --version); node: $(node --version); C++: ${clang_cxx:-$(command -v c++)}; environment in $ENV_FILE"
log "chromium (desk tests): ${CHROMIUM:-$(command -v chromium)}"
