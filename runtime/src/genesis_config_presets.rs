//! Genesis presets: the starting state of a new chain.
//!
//! - `development` (`--dev`): Alice alone authors and finalizes blocks, holds the sudo key
//!   and is the oracle operator; Alice, Bob, Charlie, Dave and Eve are funded with CLR and
//!   test USDC, BTC, ETH and DOT.
//! - `local_testnet`: Alice, Bob and Charlie are the authorities and the oracle operators;
//!   all well-known development accounts are funded.
//!
//! Both presets create the four collateral tokens of [`crate::tokens`] with their metadata,
//! owned by Alice (who can mint more test tokens on these test chains).

use alloc::{vec, vec::Vec};
use frame_support::{build_struct_json_patch, BoundedVec};
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

use crate::{
	tokens::{self, TokenInfo},
	AccountId, AssetsConfig, BalancesConfig, OracleOperatorsConfig, RuntimeGenesisConfig,
	SudoConfig, CLR,
};

/// CLR given to each endowed account.
pub const ENDOWMENT_CLR: u128 = 1_000_000 * CLR;

/// Test collateral given to each endowed account: whole tokens per asset.
pub const ENDOWMENT_TOKENS: [(TokenInfo, u128); 4] =
	[(tokens::USDC, 1_000_000), (tokens::BTC, 100), (tokens::ETH, 1_000), (tokens::DOT, 10_000)];

/// The accounts funded in the `development` preset.
pub fn development_accounts() -> Vec<AccountId> {
	[
		Sr25519Keyring::Alice,
		Sr25519Keyring::Bob,
		Sr25519Keyring::Charlie,
		Sr25519Keyring::Dave,
		Sr25519Keyring::Eve,
	]
	.iter()
	.map(|k| k.to_account_id())
	.collect()
}

fn authority_keys(who: Sr25519Keyring, finality: Ed25519Keyring) -> (AuraId, GrandpaId) {
	(who.public().into(), finality.public().into())
}

/// The genesis state for a test chain with the given authorities, funded accounts, sudo key
/// and oracle operators.
fn testnet_genesis(
	initial_authorities: Vec<(AuraId, GrandpaId)>,
	endowed_accounts: Vec<AccountId>,
	root: AccountId,
	oracle_operators: Vec<AccountId>,
) -> Value {
	let asset_owner = root.clone();
	let assets = tokens::ALL
		.iter()
		.map(|t| (t.id, asset_owner.clone(), true, t.min_balance))
		.collect::<Vec<_>>();
	let metadata = tokens::ALL
		.iter()
		.map(|t| (t.id, t.name.as_bytes().to_vec(), t.symbol.as_bytes().to_vec(), t.decimals))
		.collect::<Vec<_>>();
	let accounts = endowed_accounts
		.iter()
		.flat_map(|who| {
			ENDOWMENT_TOKENS
				.iter()
				.map(move |(token, whole)| (token.id, who.clone(), whole * token.one()))
		})
		.collect::<Vec<_>>();

	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed_accounts
				.iter()
				.cloned()
				.map(|k| (k, ENDOWMENT_CLR))
				.collect::<Vec<_>>(),
		},
		aura: pallet_aura::GenesisConfig {
			authorities: initial_authorities.iter().map(|x| x.0.clone()).collect::<Vec<_>>(),
		},
		grandpa: pallet_grandpa::GenesisConfig {
			authorities: initial_authorities.iter().map(|x| (x.1.clone(), 1)).collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: Some(root) },
		assets: AssetsConfig {
			assets,
			metadata,
			accounts,
			next_asset_id: Some(tokens::NEXT_ASSET_ID),
		},
		oracle_operators: OracleOperatorsConfig {
			members: BoundedVec::truncate_from(oracle_operators),
		},
	})
}

/// The `development` preset.
pub fn development_config_genesis() -> Value {
	testnet_genesis(
		vec![authority_keys(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		development_accounts(),
		Sr25519Keyring::Alice.to_account_id(),
		vec![Sr25519Keyring::Alice.to_account_id()],
	)
}

/// The `local_testnet` preset.
pub fn local_config_genesis() -> Value {
	testnet_genesis(
		vec![
			authority_keys(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			authority_keys(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
			authority_keys(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
		],
		Sr25519Keyring::iter()
			.filter(|v| v != &Sr25519Keyring::One && v != &Sr25519Keyring::Two)
			.map(|v| v.to_account_id())
			.collect::<Vec<_>>(),
		Sr25519Keyring::Alice.to_account_id(),
		vec![
			Sr25519Keyring::Alice.to_account_id(),
			Sr25519Keyring::Bob.to_account_id(),
			Sr25519Keyring::Charlie.to_account_id(),
		],
	)
}

/// The JSON patch of the preset named `id`, if there is one.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		_ => return None,
	};
	Some(
		serde_json::to_string(&patch)
			.expect("a serde_json::Value always serializes to a string; qed")
			.into_bytes(),
	)
}

/// The names of the presets this runtime provides.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
	]
}
