//! `clearing-node`: the node of the clearing chain.
//!
//! Runs Aura block authoring (3 s slots) and GRANDPA finality over the `clearing-runtime`
//! wasm, stores state in ParityDb, runs off-chain workers on authorities, and serves the
//! JSON-RPC that Polkadot.js apps uses (system, chain, state, author, payment).
//!
//! `clearing-node --dev` starts a single-validator development chain from the runtime's
//! `development` preset; `--chain local` uses `local_testnet` (four authorities).
#![warn(missing_docs)]

mod chain_spec;
mod cli;
mod command;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}
