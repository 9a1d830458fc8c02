//! Chain specifications built from the runtime's genesis presets.

use clearing_runtime::WASM_BINARY;
use sc_service::{ChainType, Properties};

/// A chain specification whose genesis is given by the runtime (a preset or a JSON patch).
pub type ChainSpec = sc_service::GenericChainSpec;

/// What wallets display: the CLR token with 12 decimals and the generic SS58 prefix 42.
fn chain_properties() -> Properties {
	let mut properties = Properties::new();
	properties.insert("tokenSymbol".into(), "CLR".into());
	properties.insert("tokenDecimals".into(), 12.into());
	properties.insert("ss58Format".into(), 42.into());
	properties
}

fn wasm_binary() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| {
		"The wasm runtime was not built (SKIP_WASM_BUILD was set?): rebuild without it".to_string()
	})
}

/// The single-validator development chain (`--dev`).
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("Clearing Development")
		.with_id("clearing_dev")
		.with_chain_type(ChainType::Development)
		.with_genesis_config_preset_name(sp_genesis_builder::DEV_RUNTIME_PRESET)
		.with_properties(chain_properties())
		.build())
}

/// The three-validator local test network (`--chain local`).
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("Clearing Local Testnet")
		.with_id("clearing_local_testnet")
		.with_chain_type(ChainType::Local)
		.with_genesis_config_preset_name(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)
		.with_properties(chain_properties())
		.build())
}
