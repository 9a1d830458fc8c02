//! Builds the WebAssembly runtime (the on-chain code) next to the native one.
//!
//! The builder prints where the compact, compressed runtime was written; the
//! toolchain it uses is chosen by `scripts/setup-toolchain.sh` through
//! `WASM_BUILD_TOOLCHAIN`.

#[cfg(feature = "std")]
fn main() {
	substrate_wasm_builder::WasmBuilder::build_using_defaults();
}

/// When this crate is itself compiled to wasm there is nothing to build.
#[cfg(not(feature = "std"))]
fn main() {}
